#include "CCrypto.h"
#include <dlfcn.h>
#include <pthread.h>

static struct {
    void (*EVP_PKEY_free)(EVP_PKEY *a);
    void (*ERR_clear_error)(void);
    int (*BIO_free)(BIO *a);
    EVP_MD_CTX *(*EVP_MD_CTX_new)(void);
    void (*EVP_MD_CTX_free)(EVP_MD_CTX *ctx);
    int (*EVP_DigestSign)(EVP_MD_CTX *ctx, unsigned char *sigret, size_t *siglen, const unsigned char *tbs, size_t tbslen);
    const BIO_METHOD *(*BIO_s_mem)(void);
    BIO *(*BIO_new)(const BIO_METHOD *type);
    int (*RAND_bytes)(unsigned char *buf, int num);
    int (*PEM_write_bio_PUBKEY)(BIO *bp, const EVP_PKEY *x);
    int (*PEM_write_bio_PKCS8PrivateKey)(BIO *bp, const EVP_PKEY *x, const EVP_CIPHER *enc, const char *kstr, int klen, pem_password_cb *cb, void *u);
    EVP_PKEY *(*PEM_read_bio_PrivateKey)(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u);
    EVP_PKEY *(*PEM_read_bio_PUBKEY)(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u);
    const EVP_MD *(*EVP_sha512)(void);
    const EVP_MD *(*EVP_sha384)(void);
    const EVP_MD *(*EVP_sha256)(void);
    const EVP_CIPHER *(*EVP_aes_256_cbc)(void);
    int (*EVP_PKEY_keygen_init)(EVP_PKEY_CTX *ctx);
    int (*EVP_PKEY_keygen)(EVP_PKEY_CTX *ctx, EVP_PKEY **ppkey);
    int (*EVP_PKEY_get_base_id)(const EVP_PKEY *pkey);
    int (*EVP_PKEY_CTX_set_rsa_keygen_bits)(EVP_PKEY_CTX *ctx, int bits);
    EVP_PKEY_CTX *(*EVP_PKEY_CTX_new_id)(int id, ENGINE *e);
    void (*EVP_PKEY_CTX_free)(EVP_PKEY_CTX *ctx);
    int (*EVP_DigestVerifyInit)(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey);
    int (*EVP_DigestVerify)(EVP_MD_CTX *ctx, const unsigned char *sigret, size_t siglen, const unsigned char *tbs, size_t tbslen);
    int (*EVP_DigestSignInit)(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey);
    unsigned long (*ERR_get_error)(void);
    void (*ERR_error_string_n)(unsigned long e, char *buf, size_t len);
    BIO *(*BIO_new_mem_buf)(const void *buf, int len);
    long (*BIO_ctrl)(BIO *bp, int cmd, long larg, void *parg);
} crypto;

static const char *load_error = "libcrypto was not loaded";
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define FIND(name) \
    if ((*(void **)&crypto.name = dlsym(lib, #name)) == NULL) { load_error = dlerror(); return; }

static void load(void) {
    void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) { load_error = dlerror(); return; }
    FIND(EVP_PKEY_free)
    FIND(ERR_clear_error)
    FIND(BIO_free)
    FIND(EVP_MD_CTX_new)
    FIND(EVP_MD_CTX_free)
    FIND(EVP_DigestSign)
    FIND(BIO_s_mem)
    FIND(BIO_new)
    FIND(RAND_bytes)
    FIND(PEM_write_bio_PUBKEY)
    FIND(PEM_write_bio_PKCS8PrivateKey)
    FIND(PEM_read_bio_PrivateKey)
    FIND(PEM_read_bio_PUBKEY)
    FIND(EVP_sha512)
    FIND(EVP_sha384)
    FIND(EVP_sha256)
    FIND(EVP_aes_256_cbc)
    FIND(EVP_PKEY_keygen_init)
    FIND(EVP_PKEY_keygen)
    FIND(EVP_PKEY_get_base_id)
    FIND(EVP_PKEY_CTX_set_rsa_keygen_bits)
    FIND(EVP_PKEY_CTX_new_id)
    FIND(EVP_PKEY_CTX_free)
    FIND(EVP_DigestVerifyInit)
    FIND(EVP_DigestVerify)
    FIND(EVP_DigestSignInit)
    FIND(ERR_get_error)
    FIND(ERR_error_string_n)
    FIND(BIO_new_mem_buf)
    FIND(BIO_ctrl)
    load_error = NULL;
}

const char *ccrypto_load(void) {
    pthread_once(&once, load);
    return load_error;
}

long ccrypto_bio_get_mem_data(BIO *b, char **pp) { return crypto.BIO_ctrl(b, BIO_CTRL_INFO, 0, (void *)pp); }

void cc_EVP_PKEY_free(EVP_PKEY *a) { crypto.EVP_PKEY_free(a); }
void cc_ERR_clear_error(void) { crypto.ERR_clear_error(); }
int cc_BIO_free(BIO *a) { return crypto.BIO_free(a); }
EVP_MD_CTX *cc_EVP_MD_CTX_new(void) { return crypto.EVP_MD_CTX_new(); }
void cc_EVP_MD_CTX_free(EVP_MD_CTX *ctx) { crypto.EVP_MD_CTX_free(ctx); }
int cc_EVP_DigestSign(EVP_MD_CTX *ctx, unsigned char *sigret, size_t *siglen, const unsigned char *tbs, size_t tbslen) { return crypto.EVP_DigestSign(ctx, sigret, siglen, tbs, tbslen); }
const BIO_METHOD *cc_BIO_s_mem(void) { return crypto.BIO_s_mem(); }
BIO *cc_BIO_new(const BIO_METHOD *type) { return crypto.BIO_new(type); }
int cc_RAND_bytes(unsigned char *buf, int num) { return crypto.RAND_bytes(buf, num); }
int cc_PEM_write_bio_PUBKEY(BIO *bp, const EVP_PKEY *x) { return crypto.PEM_write_bio_PUBKEY(bp, x); }
int cc_PEM_write_bio_PKCS8PrivateKey(BIO *bp, const EVP_PKEY *x, const EVP_CIPHER *enc, const char *kstr, int klen, pem_password_cb *cb, void *u) { return crypto.PEM_write_bio_PKCS8PrivateKey(bp, x, enc, kstr, klen, cb, u); }
EVP_PKEY *cc_PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u) { return crypto.PEM_read_bio_PrivateKey(bp, x, cb, u); }
EVP_PKEY *cc_PEM_read_bio_PUBKEY(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u) { return crypto.PEM_read_bio_PUBKEY(bp, x, cb, u); }
const EVP_MD *cc_EVP_sha512(void) { return crypto.EVP_sha512(); }
const EVP_MD *cc_EVP_sha384(void) { return crypto.EVP_sha384(); }
const EVP_MD *cc_EVP_sha256(void) { return crypto.EVP_sha256(); }
const EVP_CIPHER *cc_EVP_aes_256_cbc(void) { return crypto.EVP_aes_256_cbc(); }
int cc_EVP_PKEY_keygen_init(EVP_PKEY_CTX *ctx) { return crypto.EVP_PKEY_keygen_init(ctx); }
int cc_EVP_PKEY_keygen(EVP_PKEY_CTX *ctx, EVP_PKEY **ppkey) { return crypto.EVP_PKEY_keygen(ctx, ppkey); }
int cc_EVP_PKEY_get_base_id(const EVP_PKEY *pkey) { return crypto.EVP_PKEY_get_base_id(pkey); }
int cc_EVP_PKEY_CTX_set_rsa_keygen_bits(EVP_PKEY_CTX *ctx, int bits) { return crypto.EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits); }
EVP_PKEY_CTX *cc_EVP_PKEY_CTX_new_id(int id, ENGINE *e) { return crypto.EVP_PKEY_CTX_new_id(id, e); }
void cc_EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx) { crypto.EVP_PKEY_CTX_free(ctx); }
int cc_EVP_DigestVerifyInit(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey) { return crypto.EVP_DigestVerifyInit(ctx, pctx, type, e, pkey); }
int cc_EVP_DigestVerify(EVP_MD_CTX *ctx, const unsigned char *sigret, size_t siglen, const unsigned char *tbs, size_t tbslen) { return crypto.EVP_DigestVerify(ctx, sigret, siglen, tbs, tbslen); }
int cc_EVP_DigestSignInit(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey) { return crypto.EVP_DigestSignInit(ctx, pctx, type, e, pkey); }
unsigned long cc_ERR_get_error(void) { return crypto.ERR_get_error(); }
void cc_ERR_error_string_n(unsigned long e, char *buf, size_t len) { crypto.ERR_error_string_n(e, buf, len); }
BIO *cc_BIO_new_mem_buf(const void *buf, int len) { return crypto.BIO_new_mem_buf(buf, len); }
long cc_BIO_ctrl(BIO *bp, int cmd, long larg, void *parg) { return crypto.BIO_ctrl(bp, cmd, larg, parg); }
