#!/bin/sh
# Regenerates the independent OpenSSL vectors of package allinpay.
#
# These throwaway keys play Allinpay's part (signing responses) and the
# merchant's part (signing requests) in the package's tests; the signatures are
# made by OpenSSL (3.0), never by this module, over fixed strings written the
# way Allinpay's string to sign looks. The committed files are what the tests
# read, so running the tests needs no openssl. Running this script replaces
# every key and signature; the tests only read the files.
#
# Usage: sh gen.sh   (from this directory)
set -eu
cd "$(dirname "$0")"

# Fixed strings to sign, as the client builds them (sorted, non-empty, no
# sign). printf, so there is no trailing newline.
# A request (the merchant signs it, SM2 user id = the appid 00000051):
printf '%s' 'appid=00000051&complaint_id=200000020230530232256940819&cusid=990581007426001&limit=100&offset=0&randomstr=0f1e2d3c4b5a69788796a5b4&signtype=SM2&version=12' > request_sm2.txt
printf '%s' 'appid=00000051&complaint_id=200000020230530232256940819&cusid=990581007426001&limit=100&offset=0&randomstr=0f1e2d3c4b5a69788796a5b4&signtype=RSA&version=12' > request_rsa.txt
# A response (Allinpay signs it, SM2 user id "Allinpay"); records is
# Base64 of {"offset":0,"limit":100,"data":[]}.
printf '%s' 'randomstr=7a1c&records=eyJvZmZzZXQiOjAsImxpbWl0IjoxMDAsImRhdGEiOltdfQ==&retcode=SUCCESS' > response.txt

# Two key pairs per sign type, bare Base64 PKCS#8 and SPKI (the form Allinpay
# hands keys out in): merchant_* signs requests, tl_* plays Allinpay (通联,
# "TL") signing replies.
for who in merchant tl; do
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ${who}_rsa.pem 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in ${who}_rsa.pem -outform DER | base64 -w0 > ${who}_rsa_key.b64
    openssl pkey -in ${who}_rsa.pem -pubout -outform DER | base64 -w0 > ${who}_rsa_pub.b64
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out ${who}_sm2.pem
    openssl pkcs8 -topk8 -nocrypt -in ${who}_sm2.pem -outform DER | base64 -w0 > ${who}_sm2_key.b64
    openssl pkey -in ${who}_sm2.pem -pubout -outform DER | base64 -w0 > ${who}_sm2_pub.b64
done

# SHA1withRSA (deterministic), standard Base64.
openssl dgst -sha1 -sign merchant_rsa.pem request_rsa.txt | base64 -w0 > request_rsa.sig.b64
openssl dgst -sha1 -sign tl_rsa.pem response.txt | base64 -w0 > response_rsa.sig.b64

# SM3withSM2 (randomised, DER) under both distinguishing ids: the appid on the
# request side, "Allinpay" on the reply side.
openssl pkeyutl -sign -inkey merchant_sm2.pem -rawin -digest sm3 -pkeyopt distid:00000051 -in request_sm2.txt | base64 -w0 > request_sm2.uid_00000051.der.b64
openssl pkeyutl -sign -inkey tl_sm2.pem -rawin -digest sm3 -pkeyopt distid:Allinpay -in response.txt | base64 -w0 > response_sm2.uid_Allinpay.der.b64
rm merchant_rsa.pem merchant_sm2.pem tl_rsa.pem tl_sm2.pem
