"""Actor linking: authors and the contact identifiers they post, joined into personas.

``build_personas(store)`` links every author to the identifiers (QQ, WeChat,
Telegram, e-mail, phone, wallets) found in the messages they posted, and joins
them by union-find; identifiers posted by too many distinct authors (a group
admin's QQ, an escrow wallet) are left out of the linking and reported.
``persona_profile(result, store, persona_id)`` describes one persona.
"""

from __future__ import annotations

from undersight.actors.link import (
    LINK_TYPES,
    ActorResult,
    Excluded,
    Link,
    Persona,
    build_personas,
    persona_author_groups,
)
from undersight.actors.profile import PersonaProfile, persona_profile
from undersight.store.base import Store


def persona_groups(store: Store) -> list[list[str]]:
    """The author keys of each persona that posted an offer: the persona source
    of the exports (chatter-only authors are no threat actors). The personas of
    ``build_personas``, without their evidence: memory bounded by authors and
    identifiers, whatever the number of messages."""
    return persona_author_groups(store)


__all__ = [
    "LINK_TYPES",
    "ActorResult",
    "Excluded",
    "Link",
    "Persona",
    "PersonaProfile",
    "build_personas",
    "persona_author_groups",
    "persona_groups",
    "persona_profile",
]
