// Replaced by the real tests of this target.
import Testing
