// Package paging turns a provider's page-at-a-time list call into an iterator,
// so every provider package pages the same way: Offset and Number are the
// loops (offset/limit and page-number paging), ByOffset and ByNumber call a
// client's list method with a positioned copy of the caller's request, and
// Failed is the iterator of a request refused before any call.
package paging
