"""The one way through: question → checks → standalone question → passages → answer.

Every front end (CLI, web chat, widget, evals) calls `Assistant.answer` or `Assistant.stream`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from anyio import CapacityLimiter, to_thread
from llama_index.core.llms import LLM, ChatMessage
from llama_index.core.schema import TextNode

from assistant.answer import Answer, Citation, Mode, Passage, TextDelta, Turn, Usage
from assistant.answering.citations import cite_sentences, repair_citations
from assistant.answering.condense import standalone_question
from assistant.answering.evidence import evidence_score
from assistant.answering.extractive import (
    compose_extractive,
    is_list_question,
    professional_lead,
    with_subject_labels,
)
from assistant.answering.focus import (
    FocusCheck,
    asks_something,
    is_aside,
    last_question_part,
    leaves_a_question,
    points_back,
    question_part,
    says_enough,
    separate_asks,
    states_intent,
    up_to_the_question,
)
from assistant.answering.generation import (
    NOT_COVERED,
    WARNING_SIGNS_SEEN,
    GenerationFailed,
    HeldBackReply,
    astream_reply,
    build_messages,
    stream_reply,
)
from assistant.answering.inputs import clean_history, clean_question
from assistant.answering.meaning import Meaning
from assistant.answering.prompts import Prompts, load_prompts
from assistant.answering.query import AnalyzedQuery, Glossary, analyze_query, load_glossary
from assistant.answering.retrieval import PassageRetriever
from assistant.answering.routing import QuestionRoutes
from assistant.answering.safety import (
    PROFESSIONAL_HELP_QUERY,
    asks_about_a_professional,
    denies_signs,
    has_warning_signs,
    looks_like_injection,
    told_in_pieces,
    warning_list,
    without_injection,
)
from assistant.answering.scope import Scope
from assistant.answering.steps import (
    OF_IT,
    asks_of_every_move,
    asks_of_the_routine,
    instructs_a_move,
    names_a_routine,
    names_the_routine,
)
from assistant.answering.tuning import TUNING
from assistant.components import build_embedding, build_llm, choose_embeddings
from assistant.corpus.documents import Corpus, load_corpus
from assistant.corpus.index import (
    CorpusIndex,
    index_nodes,
    load_or_build_index,
    passage_questions,
    search_text,
)
from assistant.settings import Settings, load_settings
from assistant.text.spelling import Speller
from assistant.text.terms import content_terms
from assistant.text.tokens import fit_passages, usage_for, use_tiktoken_cache

log = logging.getLogger(__name__)
GLOSSARY_FILE = "glossary.yaml"


@dataclass
class Evidence:
    """What retrieval found for a question, before any answer is written."""

    question: str
    standalone: str
    query: AnalyzedQuery
    passages: list[Passage]
    score: float
    safety_notice: str | None
    injection: bool
    vector: object = None  # the standalone question's embedding, when a model is loaded
    unknown_focus: str | None = None  # the thing asked about, when the corpus never speaks of it
    closeness: float | None = None  # meaning's signal (`Meaning.closeness`), when a model is loaded
    # How much closer the question (its best ask) comes to the corpus than to a question it does
    # not answer (`scope.py`); None without out-of-scope questions.
    margin: float | None = None
    # The asks of a many-part question that the corpus does not answer, when another ask it does.
    uncovered: tuple[str, ...] = ()
    # How far `margin` may fall below zero before the question counts as about something else.
    scope_margin: float = TUNING.scope_margin

    @property
    def signal(self) -> float:
        """What the abstain threshold is compared with: meaning when an embedding model is loaded
        (`Settings.min_closeness`), else how well the passages' words cover the question
        (`Settings.min_evidence`)."""
        return self.closeness if self.closeness is not None else self.score

    def abstains_at(self, threshold: float) -> bool:
        """The one abstain rule (the pipeline and `assistant calibrate` both use it): decline an
        injection; answer every warning-sign question (with the see-a-professional guidance);
        otherwise abstain when the question is about something else (closer to a question the corpus
        does not answer, see `scope.py`; or, without a model, about a thing the corpus never speaks
        of, see `focus.py`) or its signal falls short of `threshold`."""
        if self.injection:
            return True
        if self.safety_notice is not None:
            return False
        return self.about_something_else or self.signal < threshold

    @property
    def about_something_else(self) -> bool:
        """Closer to a question the corpus does not answer (`scope.py`), or, without a model, about a
        thing the corpus never speaks of (`focus.py`)."""
        elsewhere = self.margin is not None and self.margin < self.scope_margin
        return elsewhere or self.unknown_focus is not None


@dataclass
class ModelTurn:
    """One request to the model and its reply (see `Assistant.model_turn`)."""

    passages: list[Passage]
    messages: list[ChatMessage]
    prompt: str
    reply: HeldBackReply = field(default_factory=HeldBackReply)
    failure: str | None = None


class Assistant:
    def __init__(
        self,
        settings: Settings,
        corpus: Corpus,
        index: CorpusIndex,
        prompts: Prompts,
        glossary: Glossary,
        llm: LLM | None,
    ) -> None:
        self.settings = settings
        self.corpus = corpus
        self.index = index
        self.prompts = prompts
        self.glossary = glossary
        self.llm = llm
        self.retriever = PassageRetriever(index, settings.top_k)
        nodes = index_nodes(index)
        # Subjects a follow-up can point at ("the second one"): the corpus's short section names.
        topics = dict.fromkeys(n.metadata.get("topic", "") for n in nodes)
        self.subjects = [t for t in topics if t and len(content_terms(t)) <= 2]
        self.speller = Speller(
            index.stats.words | {w for phrase in glossary for w in phrase.split()},
            [*self.subjects, *glossary],
        )
        self.moves = [
            t
            for t in self.subjects
            if any(instructs_a_move(n.get_content()) for n in nodes if n.metadata.get("topic") == t)
        ]
        # A move in readers' words too: the glossary's phrases for one that the corpus never writes
        # ("sit-ups" for crunches; not "plank", a move of its own that the taps start from).
        named = {move.lower() for move in self.moves}
        written = " ".join(search_text(n) for n in nodes).lower()
        self.move_names = self.moves + [
            phrase
            for phrase, words in glossary.items()
            if named & {w.lower() for w in words} and not re.search(rf"\b{re.escape(phrase)}", written)
        ]
        self.meaning = (
            Meaning(index.embed_model, index.sentence_vectors)
            if index.embed_model is not None and index.sentence_vectors is not None
            else None
        )
        asked = [f"{n.metadata.get('topic', '')}\n{n.metadata.get('questions', '')}" for n in nodes]
        self.routes = QuestionRoutes(index.stats, self.meaning)
        self.scope = Scope(corpus.outside, index.stats, self.meaning, corpus.other_senses)
        self.focus = FocusCheck(index.stats, glossary, [search_text(n) for n in nodes], asked, corpus.outside)
        signs = warning_list([n.get_content() for n in nodes])
        self.warning_vectors = self.meaning.embed_many(signs) if self.meaning is not None and signs else None
        self.described_vectors = self.described_warnings(nodes)

    def described_warnings(self, nodes: list[TextNode]) -> np.ndarray | None:
        """The signs in readers' words: the questions written for the passage that lists them that
        describe a sign themselves (the broad net knows them), already embedded with the index. Not
        the ones asking when a doctor is needed, nor those on whether soreness is normal: the same
        passage answers those too, and a reader asking them describes no sign."""
        if self.meaning is None:
            return None
        described = []
        for node in nodes:
            rows = self.meaning.vectors.questions.get(node.node_id)
            questions = passage_questions(node)
            if rows is None or len(rows) != len(questions) or not warning_list([node.get_content()]):
                continue
            described.append(rows[[has_warning_signs(q) for q in questions]])
        found = np.vstack(described) if described else None
        return found if found is not None and len(found) else None

    @classmethod
    def from_settings(cls, settings: Settings | None = None, rebuild_index: bool = False) -> Assistant:
        """Load corpus, prompts and index (from cache when it matches) and choose the components."""
        settings = settings or load_settings()
        use_tiktoken_cache(settings.tiktoken_cache_dir)
        corpus = load_corpus(settings.corpus_dir)
        for problem in corpus.problems:
            log.warning("Skipped corpus file %s", problem)
        choice = choose_embeddings(settings)
        index = load_or_build_index(
            corpus,
            settings.index_dir,
            settings.chunk_tokens,
            choice,
            build_embedding(choice, settings),
            rebuild_index,
        )
        return cls(
            settings,
            corpus,
            index,
            load_prompts(settings.prompts_dir),
            load_glossary(settings.corpus_dir / GLOSSARY_FILE),
            build_llm(settings),
        )

    @property
    def mode(self) -> str:
        return "llm" if self.llm is not None else "extractive"

    def answer(
        self, question: str, history: Sequence[Turn | dict] | None = None, use_llm: bool = True
    ) -> Answer:
        """The finished answer. Raises InvalidQuestion / InvalidHistory for input a reader must fix.
        `use_llm=False` answers extractively even with a model (e.g. when a token budget is spent)."""
        final = None
        for event in self.stream(question, history, use_llm):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(
        self, question: str, history: Sequence[Turn | dict] | None = None, use_llm: bool = True
    ) -> Iterator[TextDelta | Answer]:
        """Text deltas while a model writes, then the final `Answer`, which replaces them."""
        started = time.perf_counter()
        evidence = self.gather_evidence(question, history, use_llm)
        timings = {"retrieve_ms": (time.perf_counter() - started) * 1000}
        generate = self.llm is not None and use_llm
        if evidence.abstains_at(self.abstain_threshold(generate)):
            answer = self.abstention(evidence)
        elif generate:
            answer = yield from self.generated(evidence, timings)
        else:
            answer = self.extractive(evidence)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.timings_ms = {**timings, **answer.timings_ms}
        yield answer

    def abstain_threshold(self, generate: bool) -> float:
        """With a model, the word gate only drops clearly off-topic questions; its NOT_COVERED
        decides the rest."""
        share = TUNING.llm_gate_share if generate else 1.0
        return self.threshold_setting()[1] * share

    def threshold_setting(self) -> tuple[str, float]:
        """The setting the abstain signal is compared with, by name (see `Evidence.signal`)."""
        if self.meaning is not None:
            return "min_closeness", self.settings.min_closeness
        return "min_evidence", self.settings.min_evidence

    def gather_evidence(
        self,
        question: str,
        history: Sequence[Turn | dict] | None,
        use_llm: bool = True,
        model_saw_warning: bool = False,
    ) -> Evidence:
        """Everything the answer rests on. `model_saw_warning`: the model's second opinion found a
        warning sign in the question (`settle_model_reply`)."""
        text = clean_question(question, self.settings.max_question_chars)
        turns = clean_history(history, self.settings.max_history_turns)
        question_vector = self.meaning.embed(text) if self.meaning is not None else None
        # A warning sign told earlier in the conversation still stands: "is the plank fine for me then?";
        # after the warning signs were listed, "who should I see, a physio?" asks for the notice itself.
        warned = (
            model_saw_warning
            or self.warning_signs(text, question_vector)
            or any(has_warning_signs(turn.content) for turn in turns if turn.role == "user")
            or told_in_pieces([turn.content for turn in turns if turn.role == "user"] + [text])
            or (asks_about_a_professional(text) and any(has_warning_signs(turn.content) for turn in turns))
        )
        notice = self.prompts.safety_notice if warned else None
        asked = text
        if looks_like_injection(text):
            # Only a real question left beside the request goes on; nothing of the request does.
            if not leaves_a_question(rest := without_injection(text)):
                return self.nothing_asked(text, notice, injection=True)
            asked, question_vector = rest, self.meaning.embed(rest) if self.meaning is not None else None
        # "Explain.", "list them all" as the first message: it points back at nothing, so it asks nothing.
        if points_back(asked) and not any(turn.role == "user" for turn in turns):
            return self.nothing_asked(text, notice, injection=False)
        llm = self.llm if use_llm else None
        standalone = standalone_question(
            asked, turns, self.prompts, llm, self.settings.llm_deadline_s, self.subjects, self.moves
        )
        vector = question_vector
        if self.meaning is not None and standalone.text != asked:
            vector = self.meaning.embed(standalone.text)
        question_text = f"{standalone.question} {PROFESSIONAL_HELP_QUERY}" if notice else standalone.question
        query = analyze_query(
            question_text, self.glossary, self.index.stats, standalone.carried, self.speller
        )
        # The kind of question (a list, every move) is told by what it asks, not by remarks after it.
        up_to_question = up_to_the_question(standalone.question)
        passages = self.retriever.retrieve(
            query.search_text,
            wide=is_list_question(up_to_question),
            every_move=asks_of_every_move(up_to_question),
        )
        score, closeness, margin = self.judge_ask(query, passages, vector)
        # The reader's own words say what is asked about; context carried from earlier turns does not.
        # With a model, meaning and the out-of-scope questions tell what is asked about (`scope.py`).
        focus = (
            None
            if self.meaning is not None
            else self.focus.unknown_focus(
                self.speller.correct(standalone.question), follow_up=bool(standalone.carried)
            )
        )
        # A question that asks several things is answerable when one of its asks is: the words of
        # the others ("…and is yoga better?") must not sink the part the corpus answers.
        uncovered = []
        own_ask_margins = []  # each ask judged alone (see below)
        asks = separate_asks(standalone.question)
        for position, ask in enumerate(asks):
            if points_back(ask):  # "…? Please list them all." asks nothing of its own
                continue
            if is_aside(ask, asks[:position]) or states_intent(ask):
                continue
            part = analyze_query(ask, self.glossary, self.index.stats, standalone.carried, self.speller)
            ask_vector = self.meaning.embed(ask) if self.meaning is not None else None
            found = self.retriever.retrieve(part.search_text)
            ask_score, ask_closeness, ask_margin = self.judge_ask(part, found, ask_vector, words_only=True)
            ask_focus = (
                None
                if self.meaning is not None
                else self.focus.unknown_focus(self.speller.correct(ask), follow_up=bool(standalone.carried))
            )
            alone = Evidence(
                ask, ask, part, [], ask_score, None, False, None, ask_focus, ask_closeness, ask_margin
            )
            if alone.abstains_at(self.threshold_setting()[1]):
                if asked_part := question_part(ask):
                    uncovered.append(asked_part)
            else:
                # Only an ask the corpus answers alone speaks for the question: the word evidence of
                # one ask and the margin of another, neither answerable alone, must not add up to one.
                score = max(score, ask_score)
                closeness, margin = higher(closeness, ask_closeness), higher(margin, ask_margin)
                if ask_margin is not None:
                    own_ask_margins.append(ask_margin)
                # The passages that answer this ask, when the whole question's search missed them.
                held = {p.node_id for p in passages}
                passages = passages + [p for p in found[: TUNING.passages_per_ask] if p.node_id not in held]
        # "My hips rock on the taps, any fix? Other thing: a good rain jacket?": the sentence that asks
        # for a thing the corpus never speaks of is named as not covered, beside the answer to the rest.
        if not uncovered and (unknown := self.focus.unknown_ask(standalone.question)):
            uncovered.append(question_part(unknown) or unknown.strip(" ,;:.?!"))
        # A story before the question sets the scene ("My terrier tugs hard on the lead."), a sign-off
        # may follow it: when the sentence that asks names the routine or a move, that sentence alone
        # may show the question is on the corpus's subject, whatever the rest comes closer to.
        if (asking := self.asking_beside_story(standalone.question)) is not None:
            part = analyze_query(asking, self.glossary, self.index.stats, standalone.carried, self.speller)
            ask_vector = self.meaning.embed(asking) if self.meaning is not None else None
            found = self.retriever.retrieve(part.search_text)
            _, _, ask_margin = self.judge_ask(part, found, ask_vector, words_only=True)
            margin = higher(margin, ask_margin)
            # Nor do the things the story or sign-off names ("I play in a brass band. Best, Arthur.").
            if focus is not None:
                focus = self.focus.unknown_focus(
                    self.speller.correct(asking), follow_up=bool(standalone.carried)
                )
        # "How come not just before, then?" after an answer from the corpus goes on with its subject:
        # unless it asks for a thing only questions elsewhere name ("what shoes for that?"), it is
        # about something else only when it comes clearly closer to one of them.
        follows_answer = (
            bool(standalone.carried)
            and self.answered_last(turns)
            and self.focus.unknown_head(self.speller.correct(standalone.question)) is None
        )
        scope_margin = TUNING.follow_up_scope_margin if follows_answer else TUNING.scope_margin
        # "Thanks! Is her book worth buying for my marathon, then?": a follow-up that says enough on its
        # own is judged on its own words too; when those come closer to a question the corpus does not
        # answer, it has moved on to something else, whatever subject the conversation had. Each of
        # its asks is judged alone too, as in a fresh chat: "…are trail shoes kinder to my knees? And the
        # rest between rounds?" has not moved on with its second ask.
        if standalone.carried and question_vector is not None and says_enough(standalone.question):
            own_margin = self.scope.margin_by_meaning(
                question_vector, self.meaning.closeness(question_vector)
            )
            own_margin = max([own_margin, *own_ask_margins]) if own_margin is not None else None
            if own_margin is not None and own_margin < TUNING.scope_margin:
                margin, scope_margin = own_margin, TUNING.scope_margin
        # "Which warm-up before the core moves?": a question on the routine itself asks something of it
        # the corpus does not give. It is answered with what the corpus says of the routine, and a
        # line saying which part is not covered, rather than declined as a question on another topic.
        evidence = Evidence(
            text,
            standalone.text,
            query,
            passages,
            score,
            notice,
            False,
            vector,
            focus,
            closeness,
            margin,
            tuple(uncovered),
            scope_margin,
        )
        # When it names nothing the corpus does not speak of ("breathe in a special way during these
        # moves?"), what the corpus says of it is the answer, with no such line.
        follows_routine = follows_answer and bool(OF_IT.search(standalone.question))
        if evidence.about_something_else and (
            follows_routine or self.about_the_routine(standalone.question, question_vector)
        ):
            # The sentences that ask, not a remark beside them ("…? keen to feel loose beforehand haha").
            asking = [
                part for s in re.split(r"(?<=[.?!])\s+", standalone.question) if (part := question_part(s))
            ]
            asked_part = " ".join(asking) or standalone.question.strip()
            names_other = bool(self.focus.unknown_things(self.speller.correct(asked_part)))
            unanswered = tuple(uncovered) or ((asked_part,) if names_other else ())
            return replace(evidence, margin=None, unknown_focus=None, uncovered=unanswered)
        return evidence

    def nothing_asked(self, text: str, notice: str | None, injection: bool) -> Evidence:
        """Evidence for a message that asks nothing to search for: no passages, no signal."""
        return Evidence(text, text, analyze_query("", {}, self.index.stats), [], 0.0, notice, injection)

    def asking_beside_story(self, question: str) -> str | None:
        """The sentence that asks, when sentences around it tell a story or sign off ("…rest between
        sets? The choir meets at six. Cheers, Pat.") and it names the routine or a move and asks
        something of its own; else None. When the story before it speaks of routines
        or moves of its own ("we learnt new dance moves"), the question's "the moves" are those."""
        asking = last_question_part(question)
        if asking is None or asking == question.strip().rstrip(" ,;:.?!"):
            return None
        if names_a_routine(question[: question.rfind(asking)]):
            return None
        return asking if names_the_routine(asking, self.move_names) and asks_something(asking) else None

    def about_the_routine(self, question: str, vector: object) -> bool:
        """Whether the sentence that asks is on the routine or one of its moves ("…in this routine?",
        "…before the core moves?", "harder sit-ups?"; not "what diet, since the moves alone don't
        work?"), in its sense here: with a model, a question closest to one
        on another thing in those words is not."""
        asking = [s for s in re.split(r"(?<=[.?!])\s+", question) if question_part(s)]
        if not any(asks_of_the_routine(sentence, self.move_names) for sentence in asking):
            return False
        return vector is None or not self.scope.in_another_sense(vector)

    def answered_last(self, turns: Sequence[Turn]) -> bool:
        """Whether the conversation's last turn is an answer, not the assistant declining."""
        return (
            bool(turns)
            and turns[-1].role == "assistant"
            and not turns[-1].content.startswith(self.prompts.abstain.strip()[:40])
        )

    def judge_ask(
        self, query: AnalyzedQuery, passages: list[Passage], vector: object, words_only: bool = False
    ) -> tuple[float, float | None, float | None]:
        """How well one ask is answered: word evidence, closeness in meaning (with a model), and its
        margin over the closest out-of-scope question (`scope.py`)."""
        stats = self.index.stats
        score = evidence_score(query, passages, stats, None if words_only else self.meaning, vector)
        if self.meaning is not None and vector is not None:
            closeness = self.meaning.closeness(vector)
            return score, closeness, self.scope.margin_by_meaning(vector, closeness)
        return score, None, self.scope.margin_by_words(query, passages)

    def warning_signs(self, text: str, vector: object) -> bool:
        """The broad net of wordings, or (with a model) closeness to a warning sign of the corpus."""
        if has_warning_signs(text):
            return True
        if self.warning_vectors is None or vector is None or denies_signs(text):
            return False
        if float((self.warning_vectors @ vector).max()) >= TUNING.warning_similarity:
            return True
        described = self.described_vectors
        return (
            described is not None and float((described @ vector).max()) >= TUNING.described_warning_similarity
        )

    def abstention(self, evidence: Evidence, mode: Mode = "extractive", usage: Usage | None = None) -> Answer:
        return Answer(
            question=evidence.question,
            text=self.prompts.abstain,
            abstained=True,
            safety_notice=evidence.safety_notice,
            mode=mode,
            usage=usage or Usage(),
            passages=evidence.passages,
            standalone_question=evidence.standalone,
        )

    def extractive(
        self, evidence: Evidence, fallback_reason: str | None = None, usage: Usage | None = None
    ) -> Answer:
        chosen = compose_extractive(
            evidence.query, evidence.passages, self.meaning, evidence.vector, self.routes, evidence.uncovered
        )
        if evidence.safety_notice:  # lead with the professional advice, never with a workout
            chosen = professional_lead(evidence.passages, chosen)
        chosen = with_subject_labels(chosen, evidence.passages, self.subjects)
        if not chosen:
            return self.abstention(evidence, usage=usage)
        text, citations = cite_sentences(chosen, evidence.passages)
        if evidence.uncovered:  # say which part of the question is not answered, not only what is
            asks = ", ".join(f"“{ask}”" for ask in evidence.uncovered)
            text += "\n\n" + self.prompts.partly_covered.replace("{asks}", asks)
        return cited_answer(
            evidence, text, citations, "extractive", usage, evidence.passages, fallback_reason
        )

    def generated(self, evidence: Evidence, timings: dict[str, float]) -> Iterator[TextDelta | Answer]:
        """Stream the model's answer; fall back to extractive on any failure or an uncited answer."""
        with self.model_turn(evidence, timings) as turn:
            for delta in stream_reply(self.llm, turn.messages, self.settings.llm_deadline_s):
                if shown := turn.reply.add(delta):
                    yield TextDelta(shown)
        return self.settle_model_reply(evidence, turn)

    async def astream(
        self,
        question: str,
        history: Sequence[Turn | dict] | None = None,
        use_llm: bool = True,
        cpu: CapacityLimiter | None = None,
    ) -> AsyncIterator[TextDelta | Answer]:
        """`stream` for a server holding many answers at once: retrieval and extractive answers run
        in worker threads (they are CPU-bound; `cpu` bounds how many at once), and only the model's
        stream is awaited on the event loop, so a reader waiting on the model holds no thread."""
        started = time.perf_counter()
        evidence = await to_thread.run_sync(self.gather_evidence, question, history, use_llm, limiter=cpu)
        timings = {"retrieve_ms": (time.perf_counter() - started) * 1000}
        generate = self.llm is not None and use_llm
        if evidence.abstains_at(self.abstain_threshold(generate)):
            answer = self.abstention(evidence)
        elif generate:
            answer = None
            async for event in self.agenerated(evidence, timings, cpu):
                if isinstance(event, Answer):
                    answer = event
                else:
                    yield event
            assert answer is not None
        else:
            answer = await to_thread.run_sync(self.extractive, evidence, limiter=cpu)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.timings_ms = {**timings, **answer.timings_ms}
        yield answer

    async def agenerated(
        self, evidence: Evidence, timings: dict[str, float], cpu: CapacityLimiter | None
    ) -> AsyncIterator[TextDelta | Answer]:
        """`generated` on the event loop: text deltas, then the final `Answer` (the same fallbacks:
        extractive on any failure, past the deadline or for an uncited answer)."""
        with self.model_turn(evidence, timings) as turn:
            async for delta in astream_reply(self.llm, turn.messages, self.settings.llm_deadline_s):
                if shown := turn.reply.add(delta):
                    yield TextDelta(shown)
        yield await to_thread.run_sync(self.settle_model_reply, evidence, turn, limiter=cpu)

    @contextlib.contextmanager
    def model_turn(self, evidence: Evidence, timings: dict[str, float]) -> Iterator[ModelTurn]:
        """One model request, sync or async alike: the passages that fit the token budget, the
        messages, the reply as it streams, and how long it took. A `GenerationFailed` (or an empty
        reply) is kept as the turn's failure, for `settle_model_reply` to fall back on."""
        assert self.llm is not None
        settings = self.settings
        passages = fit_passages(evidence.passages, settings.passage_token_budget, settings.model)
        messages = build_messages(evidence.standalone, passages, self.prompts)
        turn = ModelTurn(passages, messages, "\n".join(str(m.content) for m in messages))
        started = time.perf_counter()
        try:
            yield turn
            if not turn.reply.text.strip():
                raise GenerationFailed("empty answer")
        except GenerationFailed as error:
            turn.failure = error.reason
        finally:
            timings["generate_ms"] = (time.perf_counter() - started) * 1000

    def settle_model_reply(self, evidence: Evidence, turn: ModelTurn) -> Answer:
        """The answer a finished (or failed) model reply comes to: extractive after a failure or an
        uncited reply, "not covered" when the model says so, else the reply with checked citations."""
        failure, reply, prompt, passages = turn.failure, turn.reply.text, turn.prompt, turn.passages
        if failure is not None:
            log.warning("Model answer failed (%s); answering extractively", failure)
            return self.extractive(
                evidence, failure, usage_for(prompt, reply, self.settings.model, *self.prices())
            )
        raw = reply.strip()
        usage = usage_for(prompt, raw, self.settings.model, *self.prices())
        if turn.reply.warned and evidence.safety_notice is None:
            return self.seen_warning(evidence, usage)
        raw = raw.replace(WARNING_SIGNS_SEEN, "").strip()  # the notice is shown already
        if raw.startswith(NOT_COVERED):
            return self.abstention(evidence, mode="llm", usage=usage)
        text, citations = repair_citations(raw, passages)
        if not citations:
            log.warning("Model answer cited no passage; answering extractively")
            return self.extractive(evidence, "uncited answer", usage)
        return cited_answer(evidence, text, citations, "llm", usage, passages)

    def seen_warning(self, evidence: Evidence, usage: Usage) -> Answer:
        """The model saw a warning sign in the question: a second opinion beside the broad net, which
        may have missed it. Its reply was written as an answer to the question, maybe a workout, so
        it is not shown: the answer is the notice and the corpus's professional advice, led by it, as
        for any warning sign the net catches."""
        log.info("The model saw a warning sign the broad net missed")
        warned = self.gather_evidence(evidence.standalone, None, use_llm=False, model_saw_warning=True)
        return self.extractive(warned, "the model saw a warning sign", usage)

    def prices(self) -> tuple[float, float]:
        return self.settings.price_prompt_per_mtok, self.settings.price_completion_per_mtok


def higher(current: float | None, other: float | None) -> float | None:
    """The higher of two signals; one that was never measured (None) stays unmeasured."""
    return max(current, other) if current is not None and other is not None else current


def cited_answer(
    evidence: Evidence,
    text: str,
    citations: list[Citation],
    mode: Mode,
    usage: Usage | None,
    passages: list[Passage],
    fallback_reason: str | None = None,
) -> Answer:
    return Answer(
        question=evidence.question,
        text=text,
        citations=citations,
        safety_notice=evidence.safety_notice,
        mode=mode,
        usage=usage or Usage(),
        passages=passages,
        standalone_question=evidence.standalone,
        fallback_reason=fallback_reason,
    )
