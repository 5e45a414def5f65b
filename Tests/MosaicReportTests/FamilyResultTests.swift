import MosaicReport
import Testing

/// A family's result says what is true of its own child: a reserved seat is "for a group
/// your child belongs to" only when it does; next steps follow the offer; no lottery seed.
@Suite struct FamilyResultTests {
    @Test func aReservedSeatIsDescribedByWhetherTheChildIsInItsGroup() {
        let pages = FamilyPages(language: .en, path: "/apply/d/1/result")
        let mine = pages.result(round: "K", .init(assigned: ("Oak", 1, true, true), higher: [])).markup
        let other = pages.result(round: "K", .init(assigned: ("Oak", 1, true, false), higher: [])).markup
        #expect(mine.contains("a priority group your child belongs to") && !mine.contains("not enough students of that group"))
        #expect(other.contains("not enough students of that group applied") && !other.contains("your child belongs to"))
        #expect(mine.contains("To accept the seat, register your child"))
        let none = pages.result(round: "K", .init(assigned: nil, higher: [.init(school: "Oak", choice: 1, filled: true, belowCutoff: true)])).markup
        #expect(none.contains("will contact you about the seats still open") && none.contains("waiting list"))
        for page in [mine, other, none] { #expect(!page.contains("seed") && !page.contains("fingerprint")) }
    }
}
