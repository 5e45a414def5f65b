import MosaicCore
import Testing

@Suite struct SchoolTests {
    @Test func parsesADBN() throws {
        let dbn = try #require(DBN("01M015"))
        #expect(dbn.district == 1)
        #expect(dbn.borough == "M")
        #expect(dbn.boroughName == "Manhattan")
        #expect(dbn.number == "015")
        #expect(dbn.isCommunitySchoolDistrict)
        #expect(DBN("84X705")?.isCommunitySchoolDistrict == false)
        #expect(DBN("75Q256")?.districtCode == "75")
        #expect(DBN(" 32K554 ")?.description == "32K554")
    }

    @Test(arguments: ["", "1M015", "01Z015", "01M01", "AAM015", "01m015x"])
    func refusesWhatIsNotADBN(text: String) {
        #expect(DBN(text) == nil)
    }

    @Test func parsesSchoolYears() {
        #expect(SchoolYear("2017-18")?.startYear == 2017)
        #expect(SchoolYear("1999-00")?.description == "1999-00")
        #expect(SchoolYear("2017-2018")?.description == "2017-18")
        #expect(SchoolYear("2017-19") == nil)
        #expect(SchoolYear("17-18") == nil)
        #expect(SchoolYear("2016-17")! < SchoolYear("2017-18")!)
    }

    @Test func everyDimensionHasAtLeastTwoGroups() {
        // Aggregate data does not cross race with income: the intersection has roster groups only.
        #expect(Dimension.raceByEconomic.groups.isEmpty && Dimension.raceByEconomic.rosterGroups.count == 14)
        for d in Dimension.five {
            #expect(d.groups.count >= 2)
            #expect(Set(d.groups).count == d.groups.count)
            #expect(!d.title.isEmpty)
        }
    }
}
