import SwitchboardCore

extension RuleCompiler {
    func adding(roots extra: [String]) -> RuleCompiler {
        var copy = self
        copy.setRoots(roots + extra)
        return copy
    }

    func replacing(roots: [String]) -> RuleCompiler {
        var copy = self
        copy.setRoots(roots)
        return copy
    }
}
