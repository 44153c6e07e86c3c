// Package vectors gives the tests of signing and signing/sm2 one way to read the
// test vectors under signing/testdata (the OpenSSL-made keys and signatures of
// testdata/openssl, the published ones of testdata/published), one set of fuzz
// seeds for every key parser, and one redaction check for every key type. The
// vectors stay in one directory because both packages' tests cross-check the
// same files: an SM2 key must be refused as RSA and an RSA key as SM2.
//
// Names are relative to signing/testdata, such as "openssl/sm2_pkcs8.pem",
// whichever package's test reads them. Only tests import this package.
package vectors
