"""Which mounted filesystems are real disks worth watching for space."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

# Kernel and memory-backed filesystems: their "usage" says nothing about disk space. overlay
# stays: it is the root filesystem of a container. squashfs and iso9660 are read-only images.
PSEUDO_FSTYPES = frozenset(
    {
        "autofs",
        "binfmt_misc",
        "bpf",
        "cgroup",
        "cgroup2",
        "configfs",
        "debugfs",
        "devfs",
        "devpts",
        "devtmpfs",
        "efivarfs",
        "fdescfs",
        "fuse.gvfsd-fuse",
        "fuse.lxcfs",
        "fuse.portal",
        "fuse.snapfuse",
        "fusectl",
        "hugetlbfs",
        "iso9660",
        "linprocfs",
        "mqueue",
        "nfsd",
        "nsfs",
        "nullfs",
        "proc",
        "pstore",
        "ramfs",
        "rpc_pipefs",
        "securityfs",
        "selinuxfs",
        "squashfs",
        "sysfs",
        "tmpfs",
        "tracefs",
    }
)
PSEUDO_PREFIXES = ("/proc/", "/sys/", "/dev/", "/snap/")


class Mount(NamedTuple):
    device: str
    mountpoint: str
    fstype: str
    opts: str


def real_mounts(partitions: Iterable[Mount]) -> list[Mount]:
    """Writable, disk-backed mounts, one per device (the shortest mountpoint wins: a device
    bind-mounted in several places has one usage, best named by its main mountpoint)."""
    kept: dict[str, Mount] = {}
    for mount in sorted(partitions, key=lambda m: (len(m.mountpoint), m.mountpoint)):
        if mount.fstype.lower() in PSEUDO_FSTYPES:
            continue
        if "ro" in mount.opts.split(","):
            continue
        if mount.mountpoint.startswith(PSEUDO_PREFIXES):
            continue
        kept.setdefault(mount.device, mount)
    return sorted(kept.values(), key=lambda m: m.mountpoint)
