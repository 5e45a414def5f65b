import MosaicBoundaries
import MosaicMetrics

/// Small instances whose answers can be worked out by hand.
enum Instances {
    typealias Unit = BoundaryInstance.Unit

    /// Four units on a line, u1 – u2 – u3 – u4, one km apart; S1 stands in u1, S2 in u4.
    /// u1 and u2 hold 10 white students each, u3 and u4 10 black students each; today
    /// S1 = {u1, u2} and S2 = {u3, u4}, so D = 1. Travel is the distance to the school.
    static func line() -> BoundaryInstance {
        func unit(_ i: Int, _ school: String, _ groups: [String: Int], _ neighbors: [String]) -> Unit {
            Unit(id: "u\(i)", school: school, students: .groups(groups), location: .init(x: Double(i), y: 0), neighbors: neighbors)
        }
        return BoundaryInstance(
            schools: [.init(id: "S1", location: .init(x: 1, y: 0)), .init(id: "S2", location: .init(x: 4, y: 0))],
            units: [
                unit(1, "S1", ["white": 10, "black": 0], ["u2"]),
                unit(2, "S1", ["white": 10, "black": 0], ["u1", "u3"]),
                unit(3, "S2", ["white": 0, "black": 10], ["u2", "u4"]),
                unit(4, "S2", ["white": 0, "black": 10], ["u3"]),
            ])
    }

    /// A generated city small enough to enumerate or to watch every move; `nearest`: today's
    /// zones the nearest school (the same residents).
    static func city(schools: Int, blocks: Int, seed: UInt64, nearest: Bool = false) -> BoundaryInstance {
        var rng = SeededGenerator(seed: seed)
        return nearest ? BoundaryInstance.synthetic(schools: schools, blocksPerSchool: blocks, lines: 0, using: &rng)
            : BoundaryInstance.synthetic(schools: schools, blocksPerSchool: blocks, using: &rng)
    }
}
