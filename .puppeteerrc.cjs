// Debian's Chromium is used instead of a downloaded browser, which this
// project's machines cannot fetch.
module.exports = { skipDownload: true };
