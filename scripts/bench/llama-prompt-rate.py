#!/usr/bin/env python3
"""The machine's own limit for benchmark scoring: llama.cpp's prompt-processing rate.

Decodes random tokens in batches of 64 and 256 on the runtime's llama.cpp build (through
llama-cpp-python's low-level API) and prints tokens per second, with logits for the last
token only and for every token, at 1 and 2 threads. Run with the runtime's Python:

    .proctor-runtime/venv/bin/python scripts/bench/llama-prompt-rate.py GGUF
"""
import random
import sys
import time

import llama_cpp as L


def rate(model, threads, n, logits_all, flash, total=2048):
    params = L.llama_context_default_params()
    params.n_ctx, params.n_batch, params.n_ubatch = 1024, 512, 512
    params.n_threads = params.n_threads_batch = threads
    params.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_ENABLED if flash else L.LLAMA_FLASH_ATTN_TYPE_DISABLED
    ctx = L.llama_init_from_model(model, params)
    memory = L.llama_get_memory(ctx)
    rng = random.Random(1)
    start = time.time()
    for _ in range(total // n):
        L.llama_memory_clear(memory, True)
        batch = L.llama_batch_init(n, 0, 1)
        for i in range(n):
            batch.token[i], batch.pos[i], batch.n_seq_id[i] = rng.randint(100, 40000), i, 1
            batch.seq_id[i][0] = 0
            batch.logits[i] = 1 if (logits_all or i == n - 1) else 0
        batch.n_tokens = n
        assert L.llama_decode(ctx, batch) == 0
        L.llama_batch_free(batch)
    seconds = time.time() - start
    L.llama_free(ctx)
    return total // n * n / seconds


def main():
    L.llama_backend_init()
    model = L.llama_model_load_from_file(sys.argv[1].encode(), L.llama_model_default_params())
    print("| threads | batch | logits | flash attention | tokens/s |")
    print("| ---: | ---: | --- | --- | ---: |")
    for threads in (1, 2):
        for n in (64, 256):
            for logits_all in (False, True):
                tps = rate(model, threads, n, logits_all, flash=True)
                print(f"| {threads} | {n} | {'every token' if logits_all else 'last token'} | on | {tps:.0f} |", flush=True)


if __name__ == "__main__":
    main()
