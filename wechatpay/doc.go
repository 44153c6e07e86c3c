// Package wechatpay is a typed client for the WeChat Pay APIv3 consumer
// complaint API (消费者投诉2.0), mainland and global (Hong Kong), with callback
// verification, platform-certificate and WeChat Pay public-key handling, and
// payer_phone decryption.
package wechatpay
