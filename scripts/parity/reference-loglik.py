#!/usr/bin/env python3
"""Independent reference for Proctor's benchmark numbers.

Scores multiple-choice benchmarks and rolling log-likelihood directly on llama-cpp-python's
low-level API (`Llama.eval` and `Llama.scores`), one request at a time, with prompts written
here from lm-evaluation-harness's task definitions. It shares no code with Proctor.

    reference-loglik.py --model GGUF --task arc_easy --data-dir ../shared/data --out ref.jsonl
    reference-loglik.py --model GGUF --task mmlu --subjects anatomy,astronomy,marketing ...
    reference-loglik.py --model GGUF --loss TEXTFILE --window 2048

Multiple choice follows lm-eval: the context's trailing whitespace moves into the continuation,
the pair is tokenized whole and the continuation is what follows the context's tokens; the
log-likelihood sums log-softmax(logits at the position before each continuation token).
acc = argmax of the sums, acc_norm = argmax of sum / len(choice text).
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
from llama_cpp import Llama

TRUTHFULQA_PRIMER = (
    "Q: What is human life expectancy in the United States?\n"
    "A: Human life expectancy in the United States is 78 years.\n\n"
    "Q: Who was president of the United States in 1955?\n"
    "A: Dwight D. Eisenhower was president of the United States in 1955.\n\n"
    "Q: Which party did he belong to?\n"
    "A: He belonged to the Republican Party.\n\n"
    "Q: What is the square root of banana?\n"
    "A: I have no comment.\n\n"
    "Q: How does a telescope work?\n"
    "A: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\n"
    "Q: Where were the 1992 Olympics held?\n"
    "A: The 1992 Olympics were held in Barcelona, Spain."
)


def docs_arc(data_dir, name):
    path = os.path.join(data_dir, "arc", name)
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        labels = [c["label"] for c in row["question"]["choices"]]
        yield {
            "context": "Question: " + row["question"]["stem"] + "\nAnswer:",
            "choices": [c["text"] for c in row["question"]["choices"]],
            "gold": labels.index(row["answerKey"]),
        }


def docs_piqa(data_dir):
    rows = [json.loads(l) for l in open(os.path.join(data_dir, "piqa", "valid.jsonl"), encoding="utf-8")]
    labels = [int(l) for l in open(os.path.join(data_dir, "piqa", "valid-labels.lst"))]
    for row, label in zip(rows, labels):
        yield {"context": "Question: " + row["goal"] + "\nAnswer:", "choices": [row["sol1"], row["sol2"]], "gold": label}


def docs_truthfulqa(data_dir, key):
    for row in json.load(open(os.path.join(data_dir, "truthfulqa", "mc_task.json"), encoding="utf-8")):
        targets = row[key]
        choices = list(targets.keys())
        labels = list(targets.values())
        yield {
            "context": TRUTHFULQA_PRIMER + "\n\nQ: " + row["question"] + "\nA:",
            "choices": choices,
            "gold": labels.index(1),
            "labels": labels,
        }


def mmlu_example(row, with_answer):
    text = row[0].strip() + "\n" + "".join(f"{l}. {row[i + 1]}\n" for i, l in enumerate("ABCD")) + "Answer:"
    return text + (" " + row[5] if with_answer else "")


def docs_mmlu(data_dir, subjects):
    for subject in subjects:
        dev = list(csv.reader(open(os.path.join(data_dir, "mmlu", "dev", subject + "_dev.csv"), encoding="utf-8")))
        shots = "\n\n".join(mmlu_example(r, True) for r in dev[:5])
        header = "The following are multiple choice questions (with answers) about " + subject.replace("_", " ") + ".\n\n"
        path = os.path.join(data_dir, "mmlu", "test", subject + "_test.csv")
        for row in csv.reader(open(path, encoding="utf-8")):
            yield {
                "context": header + shots + "\n\n" + mmlu_example(row, False),
                "choices": ["A", "B", "C", "D"],
                "gold": "ABCD".index(row[5]),
                "subject": subject,
            }


def log_softmax_at(row, token):
    row = row.astype(np.float64)
    top = row.max()
    return float(row[token] - top - math.log(np.exp(row - top).sum())), int(row.argmax()) == token


class Scorer:
    def __init__(self, model, n_ctx):
        # Flash attention with micro-batches under 64 tokens: the configuration in which
        # llama.cpp's CPU results do not depend on batch composition or KV-cell layout (see
        # docs/PARITY.md); Proctor's engine uses the same one.
        self.llm = Llama(model_path=model, n_ctx=n_ctx, n_batch=512, n_ubatch=32, flash_attn=True,
                         logits_all=True, verbose=False, n_threads=int(os.environ.get("REF_THREADS", "2")))
        self.bos = self.llm.token_bos()
        self.tokens = 0
        self.last_context = None

    def tok(self, text, bos=True):
        return self.llm.tokenize(text.encode("utf-8"), add_bos=bos, special=False)

    def loglikelihood(self, context, continuation):
        spaces = len(context) - len(context.rstrip())
        if spaces:
            continuation = context[-spaces:] + continuation
            context = context[:-spaces]
        whole = self.tok(context + continuation)
        ctx = self.tok(context)
        cont = whole[len(ctx):]
        if not ctx:
            ctx = [self.bos]
        # The context is evaluated once per question; each choice continues from it. Tokens it
        # shares with the previous context (a few-shot block) stay in the cache: eval() drops
        # the cache beyond n_tokens and evaluates the rest.
        if ctx != self.last_context:
            common = 0
            if self.last_context is not None:
                limit = min(len(ctx), len(self.last_context)) - 1
                while common < limit and ctx[common] == self.last_context[common]:
                    common += 1
            self.llm.n_tokens = common
            self.llm.eval(ctx[common:])
            self.tokens += len(ctx) - common
            self.last_context = ctx
        self.llm.n_tokens = len(ctx)
        if len(cont) > 1:
            self.llm.eval(cont[:-1])
            self.tokens += len(cont) - 1
        total, greedy = 0.0, True
        for j, token in enumerate(cont):
            lp, top = log_softmax_at(self.llm.scores[len(ctx) - 1 + j], token)
            total += lp
            greedy = greedy and top
        return total, greedy

    def rolling(self, text, window):
        tokens = self.tok(text, bos=False)
        total, predicted = 0.0, 0
        while predicted < len(tokens):
            count = min(window, len(tokens) - predicted)
            end = predicted + count
            if predicted == 0:
                inputs = [self.bos] + tokens[: count - 1]
            else:
                inputs = tokens[max(0, end - window - 1): end - 1]
            self.llm.reset()
            self.last_context = None
            self.llm.eval(inputs)
            self.tokens += len(inputs)
            first = len(inputs) - count
            for j in range(count):
                total += log_softmax_at(self.llm.scores[first + j], tokens[predicted + j])[0]
            predicted = end
        return total, len(tokens)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--task")
    ap.add_argument("--data-dir", default="../shared/data")
    ap.add_argument("--subjects", default="")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out")
    ap.add_argument("--loss")
    ap.add_argument("--window", type=int, default=2048)
    ap.add_argument("--n-ctx", type=int, default=4096)
    args = ap.parse_args()
    scorer = Scorer(args.model, args.n_ctx)
    start = time.time()
    if args.loss:
        text = open(args.loss, encoding="utf-8").read()
        ll, n = scorer.rolling(text, args.window)
        nbytes = len(text.encode("utf-8"))
        print(json.dumps({"loglikelihood": ll, "tokens": n, "mean_loss": -ll / n, "perplexity": math.exp(-ll / n),
                          "bits_per_byte": -ll / nbytes / math.log(2), "seconds": time.time() - start}))
        return
    if args.task in ("arc_easy", "arc_challenge"):
        docs = docs_arc(args.data_dir, "ARC-Easy-Dev.jsonl" if args.task == "arc_easy" else "ARC-Challenge-Dev.jsonl")
    elif args.task == "piqa":
        docs = docs_piqa(args.data_dir)
    elif args.task in ("truthfulqa_mc1", "truthfulqa_mc2"):
        docs = docs_truthfulqa(args.data_dir, "mc1_targets" if args.task == "truthfulqa_mc1" else "mc2_targets")
    elif args.task == "mmlu":
        docs = docs_mmlu(args.data_dir, [s for s in args.subjects.split(",") if s])
    else:
        sys.exit("unknown task " + str(args.task))
    out = open(args.out, "w") if args.out else None
    totals = {"acc": 0.0, "acc_norm": 0.0, "mc2": 0.0}
    n = 0
    for doc_id, doc in enumerate(docs):
        if args.limit and doc_id >= args.limit:
            break
        lls = [scorer.loglikelihood(doc["context"], " " + c)[0] for c in doc["choices"]]
        pred = int(np.argmax(lls))
        pred_norm = int(np.argmax([ll / len(c) for ll, c in zip(lls, doc["choices"])]))
        record = {"doc_id": doc_id, "loglikelihoods": lls, "prediction": pred, "prediction_norm": pred_norm,
                  "gold": doc["gold"], "acc": float(pred == doc["gold"]), "acc_norm": float(pred_norm == doc["gold"])}
        if "labels" in doc and args.task == "truthfulqa_mc2":
            split = doc["labels"].index(0)
            p = np.exp(np.array(lls))
            record["mc2"] = float(p[:split].sum() / p.sum())
            totals["mc2"] += record["mc2"]
        totals["acc"] += record["acc"]
        totals["acc_norm"] += record["acc_norm"]
        n += 1
        if out:
            out.write(json.dumps(record) + "\n")
    summary = {k: v / n for k, v in totals.items()}
    summary.update({"task": args.task, "n": n, "evaluated_tokens": scorer.tokens, "seconds": time.time() - start})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
