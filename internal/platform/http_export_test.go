package platform

// Backoff is the retry policy's wait before an attempt, for tests that check it without waiting.
var Backoff = backoff
