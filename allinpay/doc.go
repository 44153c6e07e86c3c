// Package allinpay will hold the Allinpay 收银宝 (通联) complaint client: the
// riskfeeback endpoints for WeChat Pay and Alipay complaints, SHA1withRSA and
// SM3withSM2 request signing and response verification (packages signing and
// signing/sm2 already implement both, with Allinpay's user ids), and
// risk-notification callbacks.
//
// Nothing is implemented here yet; the package exists so the repository layout is
// final. See the README for the status of each provider.
package allinpay
