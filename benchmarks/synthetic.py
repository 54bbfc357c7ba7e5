"""Deterministic synthetic blog posts for the scale benchmark: running-themed paragraphs under
headings, front matter like the real corpus. Post `i` is the same whatever the corpus size (each
has its own seed), so a 1,000-doc corpus is the first 1,000 posts of the 10,000-doc one.

Invented names of people, places and races make the vocabulary grow with the corpus, as a real
blog's does; a fixed word list would make a large corpus look easier to search than it is."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

SEED = 20240611
TOPICS = (
    "tempo runs", "long runs", "hill repeats", "interval sessions", "easy miles", "race-day pacing",
    "marathon taper", "half-marathon build", "trail running", "track workouts", "recovery weeks",
    "strides", "cadence", "running form", "foam rolling", "mobility drills", "strength training",
    "core stability", "hip strength", "ankle mobility", "hydration", "fuelling", "sleep",
    "cross-training", "cycling", "swimming", "yoga for runners", "heat training", "cold-weather runs",
    "running shoes", "GPS watches", "heart-rate zones", "base building", "parkrun", "ultramarathons",
)  # fmt: skip
MOVES = (
    "glute bridges", "side planks", "calf raises", "walking lunges", "single-leg deadlifts",
    "step-ups", "clamshells", "bird dogs", "mountain climbers", "wall sits", "box jumps",
    "hamstring curls", "hip circles", "leg swings", "skipping drills", "A-skips", "bounding",
)  # fmt: skip
BODY = (
    "calves", "hamstrings", "quads", "glutes", "hip flexors", "Achilles tendon", "shins", "lower back",
    "feet", "knees", "IT band", "shoulders", "ankles",
)  # fmt: skip
TEMPLATES = (
    "Most runners who add {topic} to their week notice the difference within a month.",
    "{name} from {place} swears by {move} before every {topic} session.",
    "If your {body} feel tight after {topic}, ease off for a few days and keep the pace conversational.",
    "A simple rule: no more than {n} percent of your weekly mileage should come from {topic}.",
    "Coach {name} likes to pair {topic} with {move}, {n2} sets of {n3} on the days in between.",
    "The {race} in {place} rewards patience: start slower than you think and save your legs for the hills.",
    "We asked {name} how {topic} changed their training, and the answer was consistency over intensity.",
    "Warm up for {n3} minutes, add four strides, and only then start the main part of {topic}.",
    "Sore {body} are common in the first weeks of {topic}; sharp pain is not, and deserves a rest day.",
    "For {topic}, a good target is {n2} to {n3} sessions a week, never two hard days in a row.",
    "Runners in {place} often train on gravel paths, which are kinder to the {body} than pavement.",
    "{name} ran the {race} in {n} minutes after a winter of {topic} and {move}.",
    "Log how your {body} feel after each run; patterns show up long before an injury does.",
    "Don't skip {move}: two short sessions a week support your {body} through {topic}.",
    "Eat something small with carbohydrate an hour before {topic}, and drink to thirst.",
)
HEADINGS = (
    "Why {topic} matter", "How to start with {topic}", "Common mistakes", "What {name} does",
    "A sample week", "Gear and fuel", "Listening to your {body}", "The {race}", "Recovery",
    "Putting it together",
)  # fmt: skip
SYLLABLES = ("ka", "ri", "lo", "ven", "mar", "ta", "sel", "dor", "ni", "bru", "an", "os", "el", "tor", "mi")


def invented(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        topic=rng.choice(TOPICS),
        move=rng.choice(MOVES),
        body=rng.choice(BODY),
        name=f"{invented(rng, 2)} {invented(rng, 3)}",
        place=invented(rng, 3),
        race=f"{invented(rng, 2)} {rng.choice(('Marathon', 'Half', '10K', 'Trail Race', 'Ultra'))}",
        n=rng.randint(10, 240),
        n2=rng.randint(2, 4),
        n3=rng.randint(5, 15),
    )


def synthetic_post(i: int) -> str:
    """Post `i`: front matter, a title and an intro, then three to five sections of two or three
    paragraphs."""
    rng = random.Random(SEED * 100_003 + i)
    topic = rng.choice(TOPICS)
    intro = " ".join(fill(rng.choice(TEMPLATES), rng) for _ in range(2))
    lines = [
        "---",
        f'title: "Notes on {topic}, part {i + 1}"',
        "kind: post",
        f"url: https://blog.example.com/posts/{i + 1}",
        "---",
        "",
        f"# Notes on {topic}, part {i + 1}",
        "",
        intro,
        "",
    ]
    for _ in range(rng.randint(3, 5)):
        lines += [f"## {fill(rng.choice(HEADINGS), rng)}", ""]
        for _ in range(rng.randint(2, 3)):
            lines += [" ".join(fill(rng.choice(TEMPLATES), rng) for _ in range(rng.randint(3, 5))), ""]
    return "\n".join(lines)


def write_corpus(target: Path, documents: int, real_corpus: Path) -> Path:
    """`documents` files in `target`: the real corpus first (so eval questions have their answers),
    then synthetic posts; the real glossary comes along."""
    target.mkdir(parents=True, exist_ok=True)
    real = sorted(real_corpus.glob("*.md"))[:documents]
    for path in real:
        shutil.copy(path, target / path.name)
    glossary = real_corpus / "glossary.yaml"
    if glossary.is_file():
        shutil.copy(glossary, target / glossary.name)
    for i in range(documents - len(real)):
        (target / f"post-{i:05d}.md").write_text(synthetic_post(i), encoding="utf-8")
    return target
