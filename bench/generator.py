"""Fill a database with realistic KM4B-like content, deterministically (for benchmarks).

The bulk path writes rows with multi-row INSERTs and then lets the counters be recomputed
in SQL by forum.threads.services.recount_all(), the same repair the app offers. Post HTML
still comes from forum.markup: a pool of Markdown blocks is rendered once and posts are
assembled from it (blocks separated by a blank line render independently).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from forum import markup
from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import load_km4b
from forum.db import db
from forum.slugs import slugify
from forum.threads.models import Post, Thread
from forum.threads.services import recount_all

BATCH = 5_000
LONG_THREAD_POSTS = 500
START = datetime(2023, 9, 5, 12, 0, tzinfo=UTC)

FIRST_NAMES = "Amina Kofi Lucia Arjun Mei Tomas Fatima Olusegun Ines Hiroshi Leila Mateo Nadia Sipho Ana Rahul Yuki Samuel Elena Kwame".split()  # noqa: E501
LAST_NAMES = "Mensah Silva Nguyen Okafor Haddad Garcia Tanaka Dlamini Rossi Kumar Novak Osei Santos Bauer Ali Moreau Chen Ibrahim Costa Fischer".split()  # noqa: E501
COUNTRIES = "Ghana Belgium Brazil Viet Nam Nigeria Lebanon Mexico Japan South Africa Italy India Czechia Kenya Philippines Germany Morocco France Indonesia Colombia Peru".split()  # noqa: E501
ORGANISATIONS = [
    "Ministry of Environment", "National Biodiversity Institute", "University of Ghana",
    "ASEAN Centre for Biodiversity", "BIOPAMA", "EuropaBON", "APBON", "FAO", "IFAD",
    "SANBI", "National CHM", "Forest Research Institute", "GKSSB", "KM4AgD",
]  # fmt: skip
NETWORK_ROLES = [
    "national focal point", "CHM focal point", "network coordinator", "researcher",
    "knowledge manager", "data steward", "protected area manager", "",
]  # fmt: skip
TOPICS = [
    "national biodiversity strategies and action plans", "the clearing-house mechanism",
    "monitoring GBF Target 3 (30x30)", "indicator data for the monitoring framework",
    "communities of practice", "traditional knowledge and consent", "open biodiversity data",
    "restoration of degraded ecosystems (Target 2)", "spatial planning (Target 1)",
    "capacity-building for focal points", "knowledge products from webinars",
    "reporting to the Convention", "invasive alien species (Target 6)",
    "biodiversity finance (Target 19)", "benefit-sharing from genetic resources",
]  # fmt: skip
SENTENCES = [
    "In our country the ministry and the research institutes rarely share their datasets.",
    "We started a national clearing-house mechanism last year and it already helps.",
    "The hardest part is keeping the information up to date once the project ends.",
    "Could the presenters say more about how they measured the uptake of the guidance?",
    "Our focal points meet every quarter to compare notes and agree on priorities.",
    "A shared glossary made a real difference when several ministries had to work together.",
    "We use open licences for every dataset so that universities can reuse them.",
    "Indigenous peoples and local communities must be part of the process from the start.",
    "The monitoring framework asks for indicators that few countries can compute today.",
    "Training young professionals was the most durable investment we made.",
    "Has anyone linked their NBSAP targets to the GBF targets in a machine-readable way?",
    "Regional networks such as APBON and EuropaBON can fill gaps that national teams cannot.",
    "Knowledge management is less about tools than about habits and incentives.",
    "We document every lesson learned in a short case study and publish it openly.",
    "Slow connections are a real barrier: light formats and offline copies help.",
]  # fmt: skip


@dataclass(frozen=True)
class Block:
    source: str
    html: str


def _blocks(rng: random.Random, count: int) -> list[Block]:
    """Render `count` varied Markdown blocks once: paragraphs, lists, quotes, links, code."""
    blocks = []
    for i in range(count):
        kind = i % 6
        sentences = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        if kind == 0:
            source = f"{sentences} **{rng.choice(TOPICS).capitalize()}** matters here."
        elif kind == 1:
            items = rng.sample(SENTENCES, 3)
            source = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
        elif kind == 2:
            source = f"> {rng.choice(SENTENCES)}\n\n{sentences}"
        elif kind == 3:
            source = f"{sentences} See https://www.cbd.int/gbf/targets/{rng.randint(1, 23)}/"
        elif kind == 4:
            source = f"{sentences} *{rng.choice(TOPICS)}* is on our agenda for {2024 + i % 3}."
        else:
            source = f"- {rng.choice(SENTENCES)}\n- {rng.choice(SENTENCES)}\n\n{sentences}"
        blocks.append(Block(source, markup.render(source)))
    return blocks


def _post_text(rng: random.Random, blocks: list[Block]) -> tuple[str, str]:
    chosen = rng.sample(blocks, rng.randint(1, 3))
    return "\n\n".join(b.source for b in chosen), "\n".join(b.html for b in chosen)


def _thread_sizes(rng: random.Random, threads: int, posts: int) -> list[int]:
    """Split `posts` over `threads`: one thread of 500, the rest log-normal and shorter."""
    if threads == 0:
        return []
    sizes = [1] * threads
    sizes[0] = min(LONG_THREAD_POSTS, posts - (threads - 1))
    cap = max(sizes[0] - 1, 1)  # the long thread stays the longest
    remaining = posts - sum(sizes)
    weights = [rng.lognormvariate(0, 0.9) for _ in range(threads - 1)]
    total = sum(weights) or 1.0
    for i, weight in enumerate(weights, 1):
        sizes[i] = min(cap, sizes[i] + int(remaining * weight / total))
    # Hand out what rounding and the cap left over, one at a time, to threads below the cap.
    leftover = posts - sum(sizes)
    open_threads = [i for i in range(1, threads) if sizes[i] < cap]
    while leftover > 0 and open_threads:
        for i in list(open_threads):
            if leftover == 0:
                break
            sizes[i] += 1
            leftover -= 1
            if sizes[i] == cap:
                open_threads.remove(i)
    return sizes


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start : start + BATCH])


def generate(*, users: int, threads: int, posts: int, seed: int, password: str) -> dict[str, int]:
    """Add `users`, `threads` and `posts` (threads' first posts included) to the forum."""
    if posts < threads:
        raise ValueError("every thread needs at least one post: --posts must be ≥ --threads")
    rng = random.Random(seed)
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Board)):
        load_km4b()
    board_ids = list(db.session.scalars(sa.select(Board.id).order_by(Board.number)))
    people = _make_users(rng, users, password)
    blocks = _blocks(rng, 600)
    sizes = _thread_sizes(rng, threads, posts)
    _make_threads_and_posts(rng, board_ids, people, blocks, sizes)
    recount_all()
    return {"users": len(people), "threads": threads, "posts": sum(sizes)}


def _make_users(rng: random.Random, count: int, password: str) -> list[tuple[int, str]]:
    hashed = generate_password_hash(password)
    offset = db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
    rows = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{first.lower()}.{last.lower()}{offset + i}"
        rows.append(
            {
                "username": username,
                "username_key": username,
                "email": f"{username}@example.org",
                "password_hash": hashed,
                "display_name": f"{first} {last}",
                "country": rng.choice(COUNTRIES),
                "organisation": rng.choice(ORGANISATIONS),
                "network_role": rng.choice(NETWORK_ROLES),
                "bio": f"Working on {rng.choice(TOPICS)}.",
                "created_at": START - timedelta(days=rng.randint(1, 90)),
            }
        )
    _insert(User, rows)
    db.session.flush()
    names = [r["username"] for r in rows]
    found = db.session.execute(sa.select(User.id, User.username).where(User.username.in_(names)))
    return sorted((row.id, row.username) for row in found)


def _make_threads_and_posts(
    rng: random.Random,
    board_ids: list[int],
    people: list[tuple[int, str]],
    blocks: list[Block],
    sizes: list[int],
) -> None:
    thread_rows: list[dict[str, Any]] = []
    pending: list[int] = []  # the number of posts of each thread in thread_rows
    for n, size in enumerate(sizes):
        author_id, author_name = rng.choice(people)
        title = f"{rng.choice(TOPICS).capitalize()}: {rng.choice(SENTENCES)[:-1]}"[:150]
        started = START + timedelta(minutes=rng.randint(0, 60 * 24 * 400))
        thread_rows.append(
            {
                "board_id": board_ids[n % len(board_ids)],
                "title": title,
                "slug": slugify(title),
                "author_id": author_id,
                "author_name": author_name,
                "created_at": started,
                "last_post_at": started,
            }
        )
        pending.append(size)
        if sum(pending) >= BATCH or n == len(sizes) - 1:
            _write_batch(rng, people, blocks, thread_rows, pending)
            thread_rows, pending = [], []


def _write_batch(
    rng: random.Random,
    people: list[tuple[int, str]],
    blocks: list[Block],
    thread_rows: list[dict[str, Any]],
    sizes: list[int],
) -> None:
    """Insert a batch of threads, then all their posts, numbered and spaced in time."""
    stmt = sa.insert(Thread).returning(Thread.id, sort_by_parameter_order=True)
    thread_ids = list(db.session.scalars(stmt, thread_rows))
    post_rows = []
    for thread_id, row, size in zip(thread_ids, thread_rows, sizes, strict=True):
        when = row["created_at"]
        for position in range(1, size + 1):
            if position == 1:
                poster_id, poster_name = row["author_id"], row["author_name"]
            else:
                poster_id, poster_name = rng.choice(people)
            source, html = _post_text(rng, blocks)
            post_rows.append(
                {
                    "thread_id": thread_id,
                    "position": position,
                    "author_id": poster_id,
                    "author_name": poster_name,
                    "source": source,
                    "html": html,
                    "created_at": when,
                }
            )
            when += timedelta(minutes=rng.randint(1, 180))
    _insert(Post, post_rows)
