package visitor

// StripLoader is stripLoader, for the tests of the served loader.
var StripLoader = stripLoader
