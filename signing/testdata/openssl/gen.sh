#!/bin/sh
# Regenerates the independent OpenSSL vectors in this directory.
#
# Everything here is made by OpenSSL (3.0), never by this module, so the tests
# in ../../openssl_test.go (RSA, OAEP) and ../../sm2/openssl_test.go (SM2)
# cross-check our code against an independent implementation. Both packages
# read this one directory: each also checks that its parsers refuse the other's
# keys (and the P-256 and Ed25519 ones), so the files are made together. The committed files are what the tests read: running the tests
# needs no openssl. Running this script replaces every key and signature, which
# is fine: the tests only read the files.
#
# Usage: sh gen.sh   (from this directory)
set -eu
cd "$(dirname "$0")"

# Fixed messages. printf, so there is no trailing newline.
printf '%s' 'appid=00000051&cusid=990581007426001&randomstr=82712208&signtype=RSA&trxid=112094120001088317&version=11' > msg_allinpay.txt
printf 'POST\n/v3/merchant-service/complaints-v2/200201820200101080076610000/response\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"response_content":"已与用户沟通解决","response_images":[]}\n' > msg_wechat.txt
printf '%s' '返回待验签数据 & tousu openssl vector' > msg_sm2.txt

# RSA 2048: PKCS#8 and PKCS#1 PEM, the same key as bare Base64 DER (how Allinpay
# hands keys out), the public key as PKIX and PKCS#1 PEM and bare Base64, and a
# self-signed certificate.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa_pkcs8.pem
openssl rsa -in rsa_pkcs8.pem -traditional -out rsa_pkcs1.pem
openssl pkcs8 -topk8 -nocrypt -in rsa_pkcs8.pem -outform DER | base64 -w0 > rsa_pkcs8.b64
openssl rsa -in rsa_pkcs8.pem -traditional -outform DER | base64 -w0 > rsa_pkcs1.b64
openssl rsa -in rsa_pkcs8.pem -pubout -out rsa_pub.pem
openssl rsa -in rsa_pkcs8.pem -RSAPublicKey_out -out rsa_pub_pkcs1.pem
openssl rsa -in rsa_pkcs8.pem -pubout -outform DER | base64 -w0 > rsa_pub.b64
openssl req -new -x509 -key rsa_pkcs8.pem -subj '/CN=tousu openssl test' -days 3650 -out rsa_cert.pem
openssl x509 -in rsa_cert.pem -outform DER | base64 -w0 > rsa_cert.b64

# The same RSA key, encrypted: both must be rejected.
openssl rsa -in rsa_pkcs8.pem -traditional -aes256 -passout pass:tousu -out rsa_encrypted_pkcs1.pem
openssl pkcs8 -topk8 -in rsa_pkcs8.pem -v2 aes256 -passout pass:tousu -out rsa_encrypted_pkcs8.pem

# RSA PKCS#1 v1.5 signatures (deterministic), standard Base64.
openssl dgst -sha1 -sign rsa_pkcs8.pem msg_allinpay.txt | base64 -w0 > msg_allinpay.rsa_sha1.b64
openssl dgst -sha256 -sign rsa_pkcs8.pem msg_wechat.txt | base64 -w0 > msg_wechat.rsa_sha256.b64

# RSA-OAEP with SHA-1 and MGF1-SHA-1 (WeChat payer_phone).
printf '%s' '13800138000' > oaep_plain.txt
openssl pkeyutl -encrypt -pubin -inkey rsa_pub.pem -pkeyopt rsa_padding_mode:oaep \
    -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 -in oaep_plain.txt | base64 -w0 > oaep_cipher.b64

# SM2 (package signing/sm2): PKCS#8 PEM and bare Base64, SEC1 PEM, public key
# PEM and bare Base64.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out sm2_pkcs8.pem
openssl pkey -in sm2_pkcs8.pem -outform DER | base64 -w0 > sm2_pkcs8.b64
openssl ec -in sm2_pkcs8.pem -out sm2_sec1.pem
openssl pkey -in sm2_pkcs8.pem -pubout -out sm2_pub.pem
openssl pkey -in sm2_pkcs8.pem -pubout -outform DER | base64 -w0 > sm2_pub.b64

# SM3withSM2 signatures (randomised, DER) under two distinguishing ids: an
# Allinpay appid (the request side) and "Allinpay" (the response side).
openssl dgst -sm3 -sign sm2_pkcs8.pem -sigopt distid:00000051 msg_sm2.txt | base64 -w0 > msg_sm2.uid_00000051.der.b64
openssl dgst -sm3 -sign sm2_pkcs8.pem -sigopt distid:Allinpay msg_sm2.txt | base64 -w0 > msg_sm2.uid_Allinpay.der.b64

# Keys of the wrong kind, which the SM2 and RSA loaders must reject.
openssl ecparam -name prime256v1 -genkey -noout -out p256_sec1.pem
openssl pkcs8 -topk8 -nocrypt -in p256_sec1.pem -out p256_pkcs8.pem
openssl ec -in p256_sec1.pem -pubout -out p256_pub.pem
openssl genpkey -algorithm ed25519 -out ed25519.pem
openssl pkey -in ed25519.pem -pubout -out ed25519_pub.pem
