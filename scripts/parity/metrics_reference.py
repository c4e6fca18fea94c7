#!/usr/bin/env python3
"""Reference values for `proctor score`, computed with the Python packages it matches.

  build DATA_DIR OUT_DIR      write OUT_DIR/pairs.jsonl (prediction/reference text pairs built from
                              the shared data, plus derived labels) and OUT_DIR/json-*.{jsonl,json}
  score OUT_DIR [--metrics M] compute every metric per item with the reference packages and write
                              OUT_DIR/python.json (also prints the seconds spent)
  compare OUT_DIR             compare OUT_DIR/python.json with OUT_DIR/swift-*.json, print a table
  fixtures                    print the expected values used by Tests/ProctorMetricsTests

Packages: rouge-score (RougeScorer, use_stemmer=True), sacrebleu (BLEU, CHRF defaults), nltk
(sentence_bleu, SmoothingFunction().method1, whitespace tokens), scikit-learn
(classification_report, confusion_matrix), jsonschema (Draft202012Validator). SQuAD exact match and
F1 follow the official SQuAD v2.0 evaluation script's definitions (normalize_answer, compute_f1),
restated below because that script is not a package.
"""
import collections
import glob
import json
import math
import os
import re
import string
import sys
import time


# --- SQuAD v2.0 definitions ---------------------------------------------------------------------
def squad_normalize(text):
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text, flags=re.UNICODE)
    return " ".join(text.split())


def squad_exact(prediction, reference):
    return float(squad_normalize(prediction) == squad_normalize(reference))


def squad_f1(prediction, reference):
    pred = squad_normalize(prediction).split()
    gold = squad_normalize(reference).split()
    if not pred or not gold:
        return float(pred == gold)
    same = sum((collections.Counter(gold) & collections.Counter(pred)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(gold)
    return 2 * precision * recall / (precision + recall)


# --- JSON format rules (as documented for proctor's json_valid) ---------------------------------
def _reject_constant(name):
    raise ValueError(name)


def extract_json(text):
    body = text.strip(" \t\n\r\x0b\x0c")
    if len(body) >= 6 and body.startswith("```") and body.endswith("```"):
        newline = body.find("\n")
        if newline < 0 or newline > len(body) - 3:
            return None
        info = body[3:newline].strip(" \t\n\r\x0b\x0c")
        if info not in ("",) and info.lower() != "json":
            return None
        body = body[newline + 1:len(body) - 3]
    try:
        return (json.loads(body, parse_constant=_reject_constant),)
    except (ValueError, RecursionError):
        return None


# --- building pairs -----------------------------------------------------------------------------
def first_word_label(text, vocabulary):
    words = re.findall(r"[A-Za-z]+", text)
    word = words[0].lower() if words else ""
    return word if word in vocabulary else "other"


def build(data_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    pairs = []

    def add(source, prediction, reference):
        if isinstance(prediction, str) and isinstance(reference, str):
            pairs.append({"source": source, "prediction": prediction, "reference": reference})

    alpaca = os.path.join(data_dir, "alpaca-raschka")
    for item in json.load(open(os.path.join(alpaca, "instruction-data-with-response.json"))):
        add("alpaca-response", item["model_response"], item["output"])
    for item in json.load(open(os.path.join(alpaca, "eval-example-data.json"))):
        add("alpaca-eval-m1", item["model 1 response"], item["output"])
        add("alpaca-eval-m2", item["model 2 response"], item["output"])
    for item in json.load(open(os.path.join(alpaca, "instruction-data-with-preference.json"))):
        add("alpaca-pref-rejected-vs-chosen", item["rejected"], item["chosen"])
        add("alpaca-pref-chosen-vs-output", item["chosen"], item["output"])
        add("alpaca-pref-rejected-vs-output", item["rejected"], item["output"])
    answers = {}
    files = sorted(glob.glob(os.path.join(data_dir, "mt-bench", "model_answer", "*.jsonl")))
    for path in files:
        model = os.path.basename(path)[:-6]
        for line in open(path):
            record = json.loads(line)
            answers[(model, record["question_id"])] = record["choices"][0]["turns"]
    models = [os.path.basename(p)[:-6] for p in files]
    questions = sorted({q for (_, q) in answers})
    # Answers of different models to the same question: neighbours (all turns) and every third (turn 1).
    for question in questions:
        for i, model in enumerate(models):
            for step, turns in ((1, (0, 1)), (3, (0,))):
                other = models[(i + step) % len(models)]
                a, b = answers.get((model, question)), answers.get((other, question))
                if a is None or b is None:
                    continue
                for turn in turns:
                    if turn < len(a) and turn < len(b):
                        add(f"mt-bench-turn{turn + 1}", a[turn], b[turn])

    # Labels for the classification report: the first word of each text among the ten most common
    # first words of the references, else "other".
    counts = collections.Counter((re.findall(r"[A-Za-z]+", p["reference"]) or [""])[0].lower() for p in pairs)
    vocabulary = {word for word, _ in counts.most_common(10) if word}
    for pair in pairs:
        pair["prediction_label"] = first_word_label(pair["prediction"], vocabulary)
        pair["reference_label"] = first_word_label(pair["reference"], vocabulary)
    with open(os.path.join(out_dir, "pairs.jsonl"), "w") as out:
        for pair in pairs:
            out.write(json.dumps(pair) + "\n")

    # Format compliance: model-like outputs, some JSON, some fenced, some broken, some prose.
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["answer", "words"],
        "properties": {
            "answer": {"type": "string", "minLength": 1, "maxLength": 400},
            "words": {"type": "integer", "minimum": 1},
            "source": {"enum": sorted({p["source"] for p in pairs})},
            "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}, "maxItems": 3},
            "score": {"anyOf": [{"type": "number", "exclusiveMaximum": 10}, {"type": "null"}]},
        },
        "additionalProperties": False,
    }
    json.dump(schema, open(os.path.join(out_dir, "json-schema.json"), "w"), indent=2)
    with open(os.path.join(out_dir, "json-outputs.jsonl"), "w") as out:
        for index, pair in enumerate(pairs):
            text = pair["prediction"]
            words = text.split()
            record = {"answer": text[: 80 + index % 400], "words": len(words)}
            if index % 3 == 0:
                record["source"] = pair["source"]
            if index % 4 == 0:
                record["tags"] = [w.lower() for w in words[: index % 5]]
            if index % 6 == 0:
                record["score"] = (index % 13) * 0.9 if index % 12 else None
            if index % 17 == 0:
                record["extra"] = True
            kind = index % 7
            if kind == 0:
                output = json.dumps(record)
            elif kind == 1:
                output = "```json\n" + json.dumps(record, indent=2, ensure_ascii=False) + "\n```"
            elif kind == 2:
                output = json.dumps(record)[:-1]
            elif kind == 3:
                output = "Here is the JSON: " + json.dumps(record)
            elif kind == 4:
                output = json.dumps(record, ensure_ascii=False) + "\n"
            elif kind == 5:
                output = text
            else:
                output = "```\n" + json.dumps([record, index]) + "\n```"
            out.write(json.dumps({"output": output}) + "\n")
    print(f"{len(pairs)} pairs in {out_dir}/pairs.jsonl")


# --- scoring ------------------------------------------------------------------------------------
ALL_METRICS = ["exact_match", "f1", "rouge1", "rouge2", "rougeL", "bleu", "nltk_bleu", "chrf",
               "classification", "json_valid", "json_schema"]


def score(out_dir, metrics):
    pairs = [json.loads(line) for line in open(os.path.join(out_dir, "pairs.jsonl"))]
    predictions = [p["prediction"] for p in pairs]
    references = [p["reference"] for p in pairs]
    result = {}
    start = time.perf_counter()
    if "exact_match" in metrics:
        result["exact_match"] = {"items": [[squad_exact(p, r)] for p, r in zip(predictions, references)]}
    if "f1" in metrics:
        result["f1"] = {"items": [[squad_f1(p, r)] for p, r in zip(predictions, references)]}
    rouge_types = [m for m in ("rouge1", "rouge2", "rougeL") if m in metrics]
    if rouge_types:
        from rouge_score import rouge_scorer
        scorer = rouge_scorer.RougeScorer(rouge_types, use_stemmer=True)
        rows = {t: [] for t in rouge_types}
        for p, r in zip(predictions, references):
            scores = scorer.score(r, p)
            for t in rouge_types:
                rows[t].append([scores[t].precision, scores[t].recall, scores[t].fmeasure])
        for t in rouge_types:
            result[t] = {"items": rows[t]}
    if "bleu" in metrics:
        from sacrebleu.metrics import BLEU
        corpus = BLEU().corpus_score(predictions, [references])
        sentence = BLEU(effective_order=True)
        result["bleu"] = {"items": [[sentence.sentence_score(p, [r]).score] for p, r in zip(predictions, references)],
                          "summary": {"bleu": corpus.score}}
    if "nltk_bleu" in metrics:
        from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
        smoothing = SmoothingFunction().method1
        result["nltk_bleu"] = {"items": [[float(sentence_bleu([r.split()], p.split(), smoothing_function=smoothing))]
                                         for p, r in zip(predictions, references)]}
    if "chrf" in metrics:
        from sacrebleu.metrics import CHRF
        chrf = CHRF()
        result["chrf"] = {"items": [[chrf.sentence_score(p, [r]).score] for p, r in zip(predictions, references)],
                          "summary": {"chrf": chrf.corpus_score(predictions, [references]).score}}
    if "classification" in metrics:
        from sklearn.metrics import classification_report, confusion_matrix
        y_true = [p["reference_label"] for p in pairs]
        y_pred = [p["prediction_label"] for p in pairs]
        report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
        summary = {"accuracy": report["accuracy"]}
        for average in ("macro", "weighted"):
            for key, name in (("precision", "precision"), ("recall", "recall"), ("f1-score", "f1")):
                summary[f"{average}_{name}"] = report[f"{average} avg"][key]
        labels = sorted(set(y_true) | set(y_pred))
        for label in labels:
            for key, name in (("precision", "precision"), ("recall", "recall"), ("f1-score", "f1"),
                              ("support", "support")):
                summary[f"class[{label}].{name}"] = float(report[label][key])
        result["classification"] = {
            "items": [[float(t == p)] for t, p in zip(y_true, y_pred)], "summary": summary,
            "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()}
    if "json_valid" in metrics or "json_schema" in metrics:
        from jsonschema import Draft202012Validator
        outputs = [json.loads(line)["output"] for line in open(os.path.join(out_dir, "json-outputs.jsonl"))]
        validator = Draft202012Validator(json.load(open(os.path.join(out_dir, "json-schema.json"))))
        items = []
        for output in outputs:
            value = extract_json(output)
            items.append([0.0, 0.0] if value is None else [1.0, float(validator.is_valid(value[0]))])
        if "json_valid" in metrics:
            result["json_valid"] = {"items": [[row[0]] for row in items]}
        if "json_schema" in metrics:
            result["json_schema"] = {"items": items}
    seconds = time.perf_counter() - start
    json.dump(result, open(os.path.join(out_dir, "python.json"), "w"))
    print(f"python: {len(pairs)} pairs, {len(result)} metrics, {seconds:.2f} s of scoring")


def compare(out_dir):
    python = json.load(open(os.path.join(out_dir, "python.json")))
    swift = {}
    for path in sorted(glob.glob(os.path.join(out_dir, "swift-*.json"))):
        swift.update(json.load(open(path))["metrics"])
    tolerance = 1e-6
    rows = []
    failed = False
    for metric, expected in python.items():
        got = swift.get(metric)
        if got is None:
            rows.append((metric, 0, "-", "-", "missing from proctor output"))
            failed = True
            continue
        worst, mismatches, count = 0.0, 0, 0
        for want_row, got_row in zip(expected["items"], got["per_item"]):
            for want, value in zip(want_row, got_row):
                count += 1
                diff = abs(want - value)
                worst = max(worst, diff)
                if not diff <= tolerance:
                    mismatches += 1
        if len(expected["items"]) != len(got["per_item"]):
            mismatches += abs(len(expected["items"]) - len(got["per_item"]))
        summary_diff = 0.0
        for name, want in expected.get("summary", {}).items():
            value = got["summary"].get(name)
            diff = math.inf if value is None else abs(want - value)
            summary_diff = max(summary_diff, diff)
            if not diff <= tolerance:
                mismatches += 1
        if "confusion_matrix" in expected and expected["confusion_matrix"] != got["confusion_matrix"]["counts"]:
            mismatches += 1
        failed = failed or mismatches > 0
        rows.append((metric, count, f"{worst:.3g}", f"{summary_diff:.3g}" if expected.get("summary") else "-",
                     str(mismatches)))
    print(f"| metric | per-item values | max abs diff per item | max abs diff corpus/summary | mismatches (> {tolerance:g}) |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    return 1 if failed else 0


def fixtures():
    """Expected values for the Swift unit tests (Tests/ProctorMetricsTests/ReferenceFixtures.swift)."""
    from nltk.stem.porter import PorterStemmer
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
    from rouge_score import rouge_scorer
    from sacrebleu.metrics import BLEU, CHRF
    cases = [
        ("The cat sat on the mat.", "A cat was sitting on the mat!"),
        ("Hello, world", "hello world"),
        ("", "something"),
        ("", ""),
        ("!!! ... ???", "?!"),
        ("word", "word"),
        ("Café naïve résumé — déjà vu 東京", "cafe naive resume, deja vu 東京"),
        ("The running runners ran happily to the generational relational conditional.",
         "Runners were running happily; relations are generational."),
        ("Costs rose 3.5% in 2023-24, i.e. $1,200 &amp; more.", "Costs rose 3.5 % in 2023 - 24, i.e. $1,200 & more."),
    ]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    bleu = BLEU(effective_order=True)
    chrf = CHRF()
    smoothing = SmoothingFunction().method1
    print("// prediction, reference, em, f1, rouge1 p/r/f, rouge2 p/r/f, rougeL p/r/f, sacrebleu, nltk, chrf")
    for prediction, reference in cases:
        r = scorer.score(reference, prediction)
        values = [squad_exact(prediction, reference), squad_f1(prediction, reference)]
        for t in ("rouge1", "rouge2", "rougeL"):
            values += [r[t].precision, r[t].recall, r[t].fmeasure]
        values.append(bleu.sentence_score(prediction, [reference]).score)
        values.append(float(sentence_bleu([reference.split()], prediction.split(), smoothing_function=smoothing)))
        values.append(chrf.sentence_score(prediction, [reference]).score)
        print(json.dumps(prediction, ensure_ascii=False), json.dumps(reference, ensure_ascii=False),
              ", ".join(repr(v) for v in values))
    predictions = [c[0] for c in cases]
    references = [c[1] for c in cases]
    print("corpus bleu", BLEU().corpus_score(predictions, [references]).score)
    print("corpus chrf", chrf.corpus_score(predictions, [references]).score)
    stemmer = PorterStemmer()
    words = ["caresses", "ponies", "ties", "agreed", "feed", "plastered", "motoring", "sing", "conflated",
             "troubled", "sized", "hopping", "falling", "hissing", "failing", "filing", "happy", "sky", "skies",
             "dying", "relational", "conditional", "valenci", "digitizer", "radically", "analogousli",
             "vietnamization", "predication", "operator", "feudalism", "decisiveness", "hopefulness",
             "formaliti", "sensibiliti", "triplicate", "formative", "electrical", "hopeful", "goodness",
             "revival", "allowance", "inference", "airliner", "adjustable", "defensible", "irritant",
             "replacement", "adjustment", "dependent", "adoption", "homologou", "communism", "activate",
             "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate", "cease", "controll",
             "roll", "generously", "archaeology", "enjoy", "fully", "yyyy", "syzygy", "succeeding", "news"]
    print("stems", json.dumps({w: stemmer.stem(w) for w in words}))
    y_true = ["cat", "dog", "cat", "bird", "dog", "cat"]
    y_pred = ["cat", "cat", "cat", "dog", "dog", "fish"]
    from sklearn.metrics import classification_report
    print("report", json.dumps(classification_report(y_true, y_pred, output_dict=True, zero_division=0)))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "build":
        build(sys.argv[2], sys.argv[3])
    elif command == "score":
        chosen = ALL_METRICS
        if "--metrics" in sys.argv:
            chosen = sys.argv[sys.argv.index("--metrics") + 1].split(",")
        score(sys.argv[2], chosen)
    elif command == "compare":
        sys.exit(compare(sys.argv[2]))
    elif command == "fixtures":
        fixtures()
    else:
        print(__doc__)
        sys.exit(2)
