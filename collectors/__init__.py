"""What is observed: this host (psutil), HTTP and TCP checks, onwatch agents, Prometheus exporters.

Each collector turns a spec into `incidents.Sample` values and imports nothing else of ours.
"""

from collectors.specs import HttpCheck, LocalCheck, Probe, TcpCheck

__all__ = ["HttpCheck", "LocalCheck", "Probe", "TcpCheck"]
