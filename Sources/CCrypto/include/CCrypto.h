/* CCrypto: the parts of OpenSSL's libcrypto boxlua uses (RSA keys, JWT signatures, random
 * bytes), loaded on first use like CCurl: linking libcrypto would cost every start about
 * 1.7 ms, though only JWT sign-in and the sandbox need it. The wrappers hold no logic. */
#ifndef CCRYPTO_H
#define CCRYPTO_H

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* NULL once libcrypto is loaded; else why it could not be (dlerror's text). */
const char *ccrypto_load(void);

/* BIO_get_mem_data is a macro over BIO_ctrl. */
long ccrypto_bio_get_mem_data(BIO *b, char **pp);

void cc_EVP_PKEY_free(EVP_PKEY *a);
void cc_ERR_clear_error(void);
int cc_BIO_free(BIO *a);
EVP_MD_CTX *cc_EVP_MD_CTX_new(void);
void cc_EVP_MD_CTX_free(EVP_MD_CTX *ctx);
int cc_EVP_DigestSign(EVP_MD_CTX *ctx, unsigned char *sigret, size_t *siglen, const unsigned char *tbs, size_t tbslen);
const BIO_METHOD *cc_BIO_s_mem(void);
BIO *cc_BIO_new(const BIO_METHOD *type);
int cc_RAND_bytes(unsigned char *buf, int num);
int cc_PEM_write_bio_PUBKEY(BIO *bp, const EVP_PKEY *x);
int cc_PEM_write_bio_PKCS8PrivateKey(BIO *bp, const EVP_PKEY *x, const EVP_CIPHER *enc, const char *kstr, int klen, pem_password_cb *cb, void *u);
EVP_PKEY *cc_PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u);
EVP_PKEY *cc_PEM_read_bio_PUBKEY(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u);
const EVP_MD *cc_EVP_sha512(void);
const EVP_MD *cc_EVP_sha384(void);
const EVP_MD *cc_EVP_sha256(void);
const EVP_CIPHER *cc_EVP_aes_256_cbc(void);
int cc_EVP_PKEY_keygen_init(EVP_PKEY_CTX *ctx);
int cc_EVP_PKEY_keygen(EVP_PKEY_CTX *ctx, EVP_PKEY **ppkey);
int cc_EVP_PKEY_get_base_id(const EVP_PKEY *pkey);
int cc_EVP_PKEY_CTX_set_rsa_keygen_bits(EVP_PKEY_CTX *ctx, int bits);
EVP_PKEY_CTX *cc_EVP_PKEY_CTX_new_id(int id, ENGINE *e);
void cc_EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx);
int cc_EVP_DigestVerifyInit(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey);
int cc_EVP_DigestVerify(EVP_MD_CTX *ctx, const unsigned char *sigret, size_t siglen, const unsigned char *tbs, size_t tbslen);
int cc_EVP_DigestSignInit(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey);
unsigned long cc_ERR_get_error(void);
void cc_ERR_error_string_n(unsigned long e, char *buf, size_t len);
BIO *cc_BIO_new_mem_buf(const void *buf, int len);
long cc_BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);

#endif
