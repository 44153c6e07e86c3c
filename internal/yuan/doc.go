// Package yuan converts the decimal yuan amounts providers send ("12.30",
// "0.05", or a JSON number such as 100000.00) into int64 fen exactly, by
// reading the digits, never through float64: 0.1+0.2 style rounding would
// turn ¥0.29 into 28 fen, and a float64 holds amounts above about ¥90
// trillion only approximately.
//
// The accepted form is digits, optionally a '.' and at least one more digit.
// Digits beyond the second decimal place are accepted only when they are
// zeros ("12.300" is 1230 fen: Java's BigDecimal keeps the scale it was given,
// so a provider may write three decimals for a whole number of fen); any other
// third decimal is an error, since the amount is not a whole number of fen and
// rounding would invent money. Signs, exponents, spaces, a lone '.', and values
// above math.MaxInt64 fen are errors. Every error wraps one of the package's
// sentinels and never repeats the input.
package yuan
