// Package wxcomplainttest holds WeChat Pay complaint JSON written after
// WeChat's documentation (every documented field, WeChat's misspellings and
// one field WeChat does not document yet), for the tests of the packages that
// decode it: wxcomplaint, wechatpay and allinpay, which relays the same JSON.
// Keeping one copy means a fixture cannot drift between them.
package wxcomplainttest
