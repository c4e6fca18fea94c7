/// C source of Proctor's shim over llama.cpp, compiled by `proctor runtime install` against
/// the installed `llama.h`. It exposes a flat ABI of plain integers, floats and opaque
/// pointers, so the Swift side never depends on llama.cpp's struct layouts and `swift build`
/// never needs llama.cpp at all. Bump `abiVersion` with every change to the exported functions.
enum LlamaShimSource {
    static let abiVersion: Int32 = 4

    static let text = #"""
        #include "llama.h"
        #include "ggml-cpu.h"
        #include <stdint.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>

        int pl_abi_version(void) { return 4; }

        static int pl_quiet = 1;
        static void pl_log(enum ggml_log_level level, const char * text, void * user) {
            (void) user;
            if (!pl_quiet || level == GGML_LOG_LEVEL_ERROR) { fputs(text, stderr); }
        }

        void pl_backend_init(int quiet) {
            pl_quiet = quiet;
            llama_log_set(pl_log, NULL);
            llama_backend_init();
        }

        void * pl_model_load(const char * path, int n_gpu_layers) {
            struct llama_model_params p = llama_model_default_params();
            p.n_gpu_layers = n_gpu_layers;
            return llama_model_load_from_file(path, p);
        }

        void pl_model_free(void * m) { llama_model_free((struct llama_model *) m); }

        static const struct llama_vocab * pl_vocab(void * m) {
            return llama_model_get_vocab((const struct llama_model *) m);
        }

        int pl_n_vocab(void * m) { return llama_vocab_n_tokens(pl_vocab(m)); }
        int pl_n_ctx_train(void * m) { return llama_model_n_ctx_train((const struct llama_model *) m); }
        int pl_token_bos(void * m) { return llama_vocab_bos(pl_vocab(m)); }
        int pl_token_eos(void * m) { return llama_vocab_eos(pl_vocab(m)); }
        int pl_add_bos(void * m) { return llama_vocab_get_add_bos(pl_vocab(m)) ? 1 : 0; }
        int pl_is_eog(void * m, int token) { return llama_vocab_is_eog(pl_vocab(m), token) ? 1 : 0; }
        uint64_t pl_n_params(void * m) { return llama_model_n_params((const struct llama_model *) m); }

        int pl_model_desc(void * m, char * buf, int len) {
            return llama_model_desc((const struct llama_model *) m, buf, (size_t) len);
        }

        int pl_model_meta(void * m, const char * key, char * buf, int len) {
            return llama_model_meta_val_str((const struct llama_model *) m, key, buf, (size_t) len);
        }

        const char * pl_chat_template(void * m) {
            return llama_model_chat_template((const struct llama_model *) m, NULL);
        }

        int pl_apply_template(const char * tmpl, const char ** roles, const char ** contents, int n,
                              int add_assistant, char * buf, int len) {
            struct llama_chat_message * chat = malloc(sizeof(struct llama_chat_message) * (size_t) (n > 0 ? n : 1));
            if (!chat) { return -1; }
            for (int i = 0; i < n; i++) { chat[i].role = roles[i]; chat[i].content = contents[i]; }
            int r = llama_chat_apply_template(tmpl, chat, (size_t) n, add_assistant != 0, buf, len);
            free(chat);
            return r;
        }

        int pl_tokenize(void * m, const char * text, int text_len, int32_t * tokens, int max_tokens,
                        int add_special, int parse_special) {
            return llama_tokenize(pl_vocab(m), text, text_len, tokens, max_tokens, add_special != 0,
                                  parse_special != 0);
        }

        int pl_token_to_piece(void * m, int token, char * buf, int len, int special) {
            return llama_token_to_piece(pl_vocab(m), token, buf, len, 0, special != 0);
        }

        void * pl_context_new(void * m, int n_ctx, int n_batch, int n_ubatch, int n_seq_max, int n_threads,
                             int n_threads_batch, int flash_attn) {
            struct llama_context_params p = llama_context_default_params();
            p.n_ctx = (uint32_t) n_ctx;
            p.n_batch = (uint32_t) n_batch;
            p.n_ubatch = (uint32_t) n_ubatch;
            p.n_seq_max = (uint32_t) n_seq_max;
            p.n_threads = n_threads;
            p.n_threads_batch = n_threads_batch;
            p.no_perf = 1;
            /* One KV buffer for all sequences, so the choices of a question (sequences 1..n) share
               the cells of its context (sequence 0) through llama_memory_seq_cp. */
            p.kv_unified = 1;
            /* Reproducible arithmetic (see LlamaEngineConfig.flashAttention): flash attention skips
               masked cells one by one, so a token's result does not depend on where its cells lie
               or which other sequences share the cache, as long as micro-batches stay below the
               64 tokens at which the CPU kernel switches to a tiled path. */
            p.flash_attn_type = flash_attn ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
            return llama_init_from_model((struct llama_model *) m, p);
        }

        void pl_context_free(void * c) { llama_free((struct llama_context *) c); }

        /* A CPU threadpool that sleeps instead of spinning between computations (poll 0):
           spinning workers starve every other thread on a small machine. */
        void * pl_threadpool_new(int n_threads, int poll) {
            struct ggml_threadpool_params p = ggml_threadpool_params_default(n_threads);
            p.poll = (uint32_t) poll;
            return ggml_threadpool_new(&p);
        }

        void pl_threadpool_free(void * tp) { ggml_threadpool_free((struct ggml_threadpool *) tp); }

        void pl_attach_threadpool(void * c, void * tp) {
            llama_attach_threadpool((struct llama_context *) c, (ggml_threadpool_t) tp, (ggml_threadpool_t) tp);
        }
        int pl_n_ctx(void * c) { return (int) llama_n_ctx((const struct llama_context *) c); }
        int pl_n_batch(void * c) { return (int) llama_n_batch((const struct llama_context *) c); }

        /* Decodes n tokens. Token i goes to position pos[i] of every sequence whose bit is set in
           seqs[i] (sequences 0-63; a token shared by several sequences is decoded once); logits
           are kept for the tokens whose flag in want_logits is non-zero. Returns llama_decode's
           status, or -100 for a token without a sequence. */
        int pl_decode(void * c, const int32_t * tokens, const int32_t * pos, const uint64_t * seqs,
                      const int8_t * want_logits, int n) {
            struct llama_batch b = llama_batch_init(n, 0, 64);
            for (int i = 0; i < n; i++) {
                b.token[i] = tokens[i];
                b.pos[i] = pos[i];
                int k = 0;
                for (int s = 0; s < 64; s++) {
                    if (seqs[i] & ((uint64_t) 1 << s)) { b.seq_id[i][k++] = s; }
                }
                if (k == 0) { llama_batch_free(b); return -100; }
                b.n_seq_id[i] = k;
                b.logits[i] = want_logits[i];
            }
            b.n_tokens = n;
            int r = llama_decode((struct llama_context *) c, b);
            llama_batch_free(b);
            return r;
        }

        float * pl_logits_ith(void * c, int i) { return llama_get_logits_ith((struct llama_context *) c, i); }

        void pl_memory_clear(void * c) { llama_memory_clear(llama_get_memory((struct llama_context *) c), 1); }

        int pl_memory_seq_rm(void * c, int seq, int p0, int p1) {
            return llama_memory_seq_rm(llama_get_memory((struct llama_context *) c), seq, p0, p1) ? 1 : 0;
        }

        void pl_memory_seq_cp(void * c, int src, int dst, int p0, int p1) {
            llama_memory_seq_cp(llama_get_memory((struct llama_context *) c), src, dst, p0, p1);
        }

        int pl_memory_seq_pos_max(void * c, int seq) {
            return llama_memory_seq_pos_max(llama_get_memory((struct llama_context *) c), seq);
        }
        """#
}
