#!/usr/bin/env python3
"""Prompt parity for Proctor's built-in benchmarks against lm-evaluation-harness v0.4.

Builds every request lm-eval would build for the local data files (the layout of
shared/data), rendering lm-eval's own task templates with Jinja2 the way lm-eval does
(StrictUndefined, doc fields as variables, lists parsed back with ast.literal_eval), and
compares them with the `arguments` of a Proctor per-sample JSONL file (one record per
document with `task`, `doc_id` and `arguments` = [[context, continuation], ...] or
[[prompt, {...}]]).

    python3 scripts/parity/bench_prompts.py --data-dir ../shared/data --samples samples.jsonl

Rows are converted to the Hugging Face dataset layouts lm-eval reads (ai2_arc, cais/mmlu,
piqa, truthful_qa multiple_choice, gsm8k main) before rendering. Where a record carries
`loglikelihoods`, its `metrics` are recomputed with lm-eval's formulas (acc = argmax,
acc_norm = argmax of ll / len(choice), TruthfulQA MC2 mass) and compared too.
Needs jinja2 and numpy.
"""
import argparse
import ast
import csv
import json
import os
import random
import sys

import jinja2
import numpy as np

ENV = jinja2.Environment(loader=jinja2.BaseLoader(), undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(template, doc):
    return ENV.from_string(template).render(**doc)


def as_list(template, doc):
    return ast.literal_eval(render(template, doc))


TRUTHFUL_PRIMER = (
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

MMLU_TEXT = "{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:"


def jsonl(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def arc(path):
    for row in jsonl(path):
        doc = {
            "question": row["question"]["stem"],
            "choices": {
                "text": [c["text"] for c in row["question"]["choices"]],
                "label": [c["label"] for c in row["question"]["choices"]],
            },
            "answerKey": row["answerKey"],
        }
        context = render("Question: {{question}}\nAnswer:", doc)
        yield [[context, " " + choice] for choice in as_list("{{choices.text}}", doc)]


def mmlu_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        for q, a, b, c, d, answer in csv.reader(handle):
            yield {"question": q, "choices": [a, b, c, d], "answer": "ABCD".index(answer)}


def mmlu(data_dir, subject):
    description = f"The following are multiple choice questions (with answers) about {' '.join(subject.split('_'))}.\n\n"
    shots = list(mmlu_rows(os.path.join(data_dir, "mmlu/dev", f"{subject}_dev.csv")))[:5]
    block = "".join(render(MMLU_TEXT, doc) + " " + ["A", "B", "C", "D"][doc["answer"]] + "\n\n" for doc in shots)
    for doc in mmlu_rows(os.path.join(data_dir, "mmlu/test", f"{subject}_test.csv")):
        context = description + block + render(MMLU_TEXT, doc)
        yield [[context, " " + choice] for choice in ["A", "B", "C", "D"]]


def piqa(data_dir):
    for row in jsonl(os.path.join(data_dir, "piqa/valid.jsonl")):
        context = render("Question: {{goal}}\nAnswer:", row)
        yield [[context, " " + choice] for choice in as_list("{{[sol1, sol2]}}", row)]


def truthfulqa(data_dir, which):
    with open(os.path.join(data_dir, "truthfulqa/mc_task.json"), encoding="utf-8") as handle:
        rows = json.load(handle)
    for row in rows:
        doc = {"question": row["question"]}
        for key in ("mc1_targets", "mc2_targets"):
            doc[key] = {"choices": list(row[key].keys()), "labels": list(row[key].values())}
        context = render("{{prompt_qa + '\n\nQ: ' + question + '\nA:'}}", {**doc, "prompt_qa": TRUTHFUL_PRIMER})
        yield [[context, " " + choice] for choice in as_list("{{%s.choices}}" % which, doc)]


def gsm8k(data_dir, shots):
    train = jsonl(os.path.join(data_dir, "gsm8k/train.jsonl")) if shots else []
    rnd = random.Random(1234)
    for row in jsonl(os.path.join(data_dir, "gsm8k/test.jsonl")):
        examples = rnd.sample(train, shots) if shots else []
        block = "".join(
            render("Question: {{question}}\nAnswer:", ex) + " " + render("{{answer}}", ex) + "\n\n" for ex in examples
        )
        yield [[block + render("Question: {{question}}\nAnswer:", row), None]]


def gold_index(task, data_dir, doc_id, cache={}):
    """The gold choice index lm-eval would use, from the same conversions as above."""
    if task not in cache:
        if task in ("arc_easy", "arc_challenge"):
            name = "ARC-Easy-Dev.jsonl" if task == "arc_easy" else "ARC-Challenge-Dev.jsonl"
            rows = jsonl(os.path.join(data_dir, "arc", name))
            cache[task] = [[c["label"] for c in r["question"]["choices"]].index(r["answerKey"]) for r in rows]
        elif task.startswith("mmlu_"):
            path = os.path.join(data_dir, "mmlu/test", f"{task[len('mmlu_'):]}_test.csv")
            cache[task] = [doc["answer"] for doc in mmlu_rows(path)]
        elif task == "piqa":
            with open(os.path.join(data_dir, "piqa/valid-labels.lst"), encoding="utf-8") as handle:
                cache[task] = [int(line) for line in handle if line.strip()]
        elif task == "truthfulqa_mc1":
            with open(os.path.join(data_dir, "truthfulqa/mc_task.json"), encoding="utf-8") as handle:
                cache[task] = [0 for _ in json.load(handle)]
        elif task == "truthfulqa_mc2":
            with open(os.path.join(data_dir, "truthfulqa/mc_task.json"), encoding="utf-8") as handle:
                cache[task] = [list(r["mc2_targets"].values()) for r in json.load(handle)]
        else:
            cache[task] = None
    return None if cache[task] is None else cache[task][doc_id]


def lm_eval_metrics(task, lls, choices, gold):
    lls = np.array(lls)
    if task == "truthfulqa_mc2":
        split = list(gold).index(0)
        p_true, p_false = np.exp(lls[:split]), np.exp(lls[split:])
        return {"acc": float(sum(p_true / (sum(p_true) + sum(p_false))))}
    lengths = np.array([float(len(c)) for c in choices])
    result = {"acc": 1.0 if np.argmax(lls) == gold else 0.0}
    if task not in ("truthfulqa_mc1",) and not task.startswith("mmlu_"):
        result["acc_norm"] = 1.0 if np.argmax(lls / lengths) == gold else 0.0
    return result


def expected(task, data_dir, gsm_shots):
    if task in ("arc_easy", "arc_challenge"):
        name = "ARC-Easy-Dev.jsonl" if task == "arc_easy" else "ARC-Challenge-Dev.jsonl"
        return list(arc(os.path.join(data_dir, "arc", name)))
    if task.startswith("mmlu_"):
        return list(mmlu(data_dir, task[len("mmlu_"):]))
    if task == "piqa":
        return list(piqa(data_dir))
    if task in ("truthfulqa_mc1", "truthfulqa_mc2"):
        return list(truthfulqa(data_dir, task[-3:] + "_targets"))
    if task == "gsm8k":
        return list(gsm8k(data_dir, gsm_shots))
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--samples", required=True, help="Proctor per-sample JSONL (task, doc_id, arguments)")
    parser.add_argument("--gsm8k-fewshot", type=int, default=0, help="num_fewshot the gsm8k samples were built with")
    args = parser.parse_args()

    cache, checked, mismatches, metrics_checked = {}, 0, 0, 0
    for line in open(args.samples, encoding="utf-8"):
        if not line.strip():
            continue
        record = json.loads(line)
        task = record["task"]
        if task not in cache:
            cache[task] = expected(task, args.data_dir, args.gsm8k_fewshot)
        if cache[task] is None:
            continue
        want = cache[task][record["doc_id"]]
        got = record["arguments"]
        if task == "gsm8k":
            got = [[got[0], None]]
        if got != want:
            mismatches += 1
            if mismatches <= 5:
                print(f"MISMATCH {task} doc {record['doc_id']}:\n  want {want!r:.400}\n  got  {got!r:.400}")
        checked += 1
        lls = record.get("loglikelihoods")
        gold = gold_index(task, args.data_dir, record["doc_id"])
        if lls and gold is not None:
            choices = [continuation[1:] for _, continuation in record["arguments"]]
            want_metrics = lm_eval_metrics(task, lls, choices, gold)
            got_metrics = {k: v for k, v in record["metrics"].items() if k in want_metrics}
            if any(abs(got_metrics.get(k, -1) - v) > 1e-9 for k, v in want_metrics.items()):
                mismatches += 1
                if mismatches <= 5:
                    print(f"METRIC MISMATCH {task} doc {record['doc_id']}: want {want_metrics} got {got_metrics}")
            metrics_checked += 1
    print(
        f"{checked} documents checked ({metrics_checked} with metrics), {mismatches} mismatches, "
        f"tasks: {', '.join(sorted(cache))}"
    )
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
