"""The command palette's commands and the help screen's keys, made from the bindings themselves.

Every binding a screen declares (and the app's) is a command titled by its tooltip, so a key
added to a screen is in the palette and in the help without another list to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


@dataclass(frozen=True, slots=True)
class BoundCommand:
    node: DOMNode
    """Where the action runs: the screen that declares it, or the app."""
    binding: Binding

    @property
    def title(self) -> str:
        return self.binding.tooltip or self.binding.description

    @property
    def action(self) -> tuple[DOMNode, str]:
        """The node that runs the action and the action's name there."""
        namespace, _, name = self.binding.action.rpartition(".")
        if namespace == "app":
            return self.node.app, name
        return self.node, name

    def enabled(self) -> bool:
        node, name = self.action
        return node.check_action(name.split("(", 1)[0], ()) is not False


def declared_bindings(node: DOMNode) -> Iterator[Binding]:
    """The bindings `node`'s class and its bases declare, the nearest first, one per action.

    Textual's own (tab, copy, quit on ctrl+q) are its business: the palette has system commands.
    """
    seen: set[str] = set()
    for cls in type(node).__mro__:
        if cls.__module__.split(".")[0] == "textual":
            continue
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            if binding.description and binding.action not in seen:
                seen.add(binding.action)
                yield binding


def commands_for(screen: DOMNode) -> list[BoundCommand]:
    """Every command a person can give on `screen`: its own keys first, then the app's."""
    found = [BoundCommand(screen, b) for b in declared_bindings(screen)]
    if not isinstance(screen, App):
        found += [BoundCommand(screen.app, b) for b in declared_bindings(screen.app)]
    return found


def palette_commands(screen: DOMNode) -> list[BoundCommand]:
    """The commands the palette offers on `screen`: those enabled there, less Quit, which the
    palette's own system commands already have."""
    return [c for c in commands_for(screen) if c.binding.action != "quit" and c.enabled()]


def key_of(app: App[object], binding: Binding) -> str:
    return binding.key_display or app.get_key_display(binding)


class BindingCommands(Provider):
    """The palette's entries for the keys of the screen it was opened on."""

    def _commands(self) -> list[BoundCommand]:
        return palette_commands(self.screen)

    def _run(self, command: BoundCommand) -> partial[object]:
        node, name = command.action
        return partial(self.app.run_action, name, node)

    def _help(self, command: BoundCommand) -> str:
        return f"key {key_of(self.app, command.binding)}"

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, self._run(command), help=self._help(command))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    self._run(command),
                    help=self._help(command),
                )
