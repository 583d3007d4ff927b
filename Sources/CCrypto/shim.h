#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* Macros Swift cannot see, re-exported as functions. */
static inline long ccrypto_bio_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
