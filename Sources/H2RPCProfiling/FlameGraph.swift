/// A flame graph of a CPU profile as a self-contained SVG: one box per function on a stack, as wide
/// as the share of samples it was on the stack for, callers below their callees (the root at the
/// bottom), siblings in alphabetical order, each box's name and share in its tooltip.
public enum FlameGraph {
    /// The SVG for `profile`'s first sample value (sample counts), `title` above it.
    public static func svg(_ profile: Perftools_Profiles_Profile, title: String, width: Int = 1200) -> String {
        let root = tree(profile)
        let frameHeight = 16
        let top = 40
        let depth = root.depth
        let height = top + depth * frameHeight + 10
        var out = """
            <?xml version="1.0" standalone="no"?>
            <svg version="1.1" width="\(width)" height="\(height)" xmlns="http://www.w3.org/2000/svg" \
            font-family="Verdana, sans-serif" font-size="11">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#f8f8f8"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

            """
        guard root.count > 0 else {
            out += "<text x=\"\(width / 2)\" y=\"\(top + 12)\" text-anchor=\"middle\">no samples</text>\n</svg>\n"
            return out
        }
        let scale = Double(width - 20) / Double(root.count)
        // Iterative walk: (node, x, level); the root box spans the whole width at the bottom.
        var pending: [(Node, Double, Int)] = [(root, 10, 0)]
        while let (node, x, level) = pending.popLast() {
            let w = Double(node.count) * scale
            guard w >= 0.5 else { continue }
            let y = height - 10 - (level + 1) * frameHeight
            let name = level == 0 ? "all" : node.name
            let share = Double(node.count) * 100 / Double(root.count)
            let label = "\(name) (\(node.count) samples, \(formatted(share))%)"
            out += "<g><title>\(escape(label))</title>"
            out += "<rect x=\"\(formatted(x))\" y=\"\(y)\" width=\"\(formatted(w))\" height=\"\(frameHeight - 1)\" "
            out += "fill=\"\(color(name))\" rx=\"2\"/>"
            let fits = Int((w - 6) / 7)
            if fits >= 3 {
                let text = name.count <= fits ? name : String(name.prefix(fits - 2)) + ".."
                out += "<text x=\"\(formatted(x + 3))\" y=\"\(y + frameHeight - 4)\">\(escape(text))</text>"
            }
            out += "</g>\n"
            var childX = x
            for child in node.children.values.sorted(by: { $0.name < $1.name }) {
                pending.append((child, childX, level + 1))
                childX += Double(child.count) * scale
            }
        }
        out += "</svg>\n"
        return out
    }

    /// One function on a stack, with the samples it was on the stack for and its callees.
    private final class Node {
        let name: String
        var count: Int64 = 0
        var children: [String: Node] = [:]
        init(name: String) { self.name = name }

        var depth: Int {
            var deepest = 0
            var pending: [(Node, Int)] = [(self, 1)]
            while let (node, level) = pending.popLast() {
                deepest = max(deepest, level)
                for child in node.children.values { pending.append((child, level + 1)) }
            }
            return deepest
        }
    }

    private static func tree(_ profile: Perftools_Profiles_Profile) -> Node {
        let strings = profile.stringTable
        var functionNames: [UInt64: String] = [:]
        for function in profile.function {
            let index = Int(function.name)
            functionNames[function.id] = strings.indices.contains(index) ? strings[index] : "?"
        }
        var locationNames: [UInt64: [String]] = [:]
        for location in profile.location {
            // Inlined functions first, their caller last: reversed, they read root to leaf.
            locationNames[location.id] = location.line.reversed().map { functionNames[$0.functionID] ?? "?" }
        }
        let root = Node(name: "")
        for sample in profile.sample {
            let count = sample.value.first ?? 0
            guard count > 0 else { continue }
            root.count += count
            var node = root
            for id in sample.locationID.reversed() {
                for name in locationNames[id] ?? ["0x?"] {
                    let child = node.children[name] ?? Node(name: name)
                    node.children[name] = child
                    child.count += count
                    node = child
                }
            }
        }
        return root
    }

    /// A warm colour fixed by the name, so that one function keeps its colour across graphs.
    private static func color(_ name: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let red = 205 + Int(hash % 50)
        let green = 80 + Int((hash >> 8) % 150)
        let blue = Int((hash >> 16) % 55)
        return "rgb(\(red),\(green),\(blue))"
    }

    private static func formatted(_ value: Double) -> String {
        let hundredths = (value * 100).rounded()
        let whole = Int(hundredths) / 100
        let fraction = abs(Int(hundredths)) % 100
        return fraction == 0
            ? "\(whole)"
            : fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
