#ifndef H2RPC_COPENSSL_SHIM_H
#define H2RPC_COPENSSL_SHIM_H
// OpenSSL 3 for the H2TLS module. The static inline wrappers below stand in for OpenSSL's
// function-like macros, which Swift cannot import.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static const uint64_t CSSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t CSSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t CSSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const int CSSL_TLSEXT_TYPE_ALPN = TLSEXT_TYPE_application_layer_protocol_negotiation;
static const int CSSL_AD_NO_APPLICATION_PROTOCOL = SSL_AD_NO_APPLICATION_PROTOCOL;
static const unsigned long CSSL_XN_FLAG_RFC2253 = XN_FLAG_RFC2253;

static inline int cssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int cssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline int cssl_ctx_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return (int)SSL_CTX_set1_groups_list(ctx, list);
}
static inline long cssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline int cssl_ctx_add1_chain_cert(SSL_CTX *ctx, X509 *cert) { return (int)SSL_CTX_add1_chain_cert(ctx, cert); }
static inline int cssl_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
static inline int cssl_get_ex_new_index(void) { return SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL); }
static inline long cssl_bio_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
static inline void cssl_bio_clear_retry_flags(BIO *bio) { BIO_clear_retry_flags(bio); }
static inline void cssl_bio_set_retry_read(BIO *bio) { BIO_set_retry_read(bio); }

static inline int cssl_general_names_count(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }
static inline const GENERAL_NAME *cssl_general_names_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
static inline void cssl_general_names_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }

/// The type and the bytes of one subjectAltName entry (DNS, URI, e-mail: text; IP: 4 or 16 bytes).
static inline int cssl_general_name_get(const GENERAL_NAME *name, const unsigned char **data, int *length) {
    const ASN1_STRING *value = NULL;
    switch (name->type) {
    case GEN_DNS: value = name->d.dNSName; break;
    case GEN_URI: value = name->d.uniformResourceIdentifier; break;
    case GEN_EMAIL: value = name->d.rfc822Name; break;
    case GEN_IPADD: value = name->d.iPAddress; break;
    default: *data = NULL; *length = 0; return name->type;
    }
    *data = ASN1_STRING_get0_data(value);
    *length = ASN1_STRING_length(value);
    return name->type;
}

typedef int (*cssl_alpn_select_cb)(SSL *, const unsigned char **, unsigned char *, const unsigned char *, unsigned int, void *);
#endif
