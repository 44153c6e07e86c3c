// Package paging turns a provider's page-at-a-time list call into an iterator,
// so every provider package pages the same way.
package paging
