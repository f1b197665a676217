package pitcs

// Exported for tests.
var ClassOf = classOf

const NumClasses = numClasses
