"""The local model as the judge of the optional rerank stage (copilot.retrieval.rerank).

``LLMRelevance(llm).relevance(query, passages)`` returns, per passage, the model's probability that
the passage answers the question: with the llama.cpp backend, P("yes") read from the next-token
logits after one forward pass per passage on a shared cached prefix (instructions + question); with
other backends, a schema-constrained yes/no (1.0 / 0.0, 0.5 when the model gives no answer).
The prompt uses the ChatML turn markers of the bundled Qwen2.5 models.
"""

from __future__ import annotations

from copilot.llm.base import LLM, Message
from copilot.llm.yesno import yes_no

SYSTEM = ("You judge search results for a plant engineer. Given a question and a passage, answer yes if "
          "the passage answers the question or states what it asks for, otherwise no. Answer with one word.")
HEAD = "<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\nQuestion: {query}\n\n"
TAIL = "Passage:\n{passage}\n\nDoes the passage answer the question? Answer yes or no.<|im_end|>\n<|im_start|>assistant\n"


class LLMRelevance:
    """A Reranker (copilot.retrieval.rerank) backed by the configured LLM."""

    name = "llm"

    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    def relevance(self, query: str, passages: list[str]) -> list[float]:
        scorer = getattr(self.llm, "yes_probabilities", None)
        if scorer is not None:
            return list(scorer(HEAD.format(system=SYSTEM, query=query.strip()),
                               [TAIL.format(passage=p.strip()) for p in passages]))
        out = []
        for p in passages:
            messages: list[Message] = [{"role": "system", "content": SYSTEM},
                                       {"role": "user", "content": f"Question: {query}\n\nPassage:\n{p}\n\n"
                                                                   "Does the passage answer the question?"}]
            verdict = yes_no(self.llm, messages, "answers")
            out.append(0.5 if verdict is None else float(verdict))
        return out
