import Foundation

extension EnrichmentInstance {
    /// A synthetic school's enrichment round, shaped like the interest surveys a
    /// Schoolwide Enrichment coordinator collects: `clusters` staff proposals (robotics,
    /// theatre, journalism, … numbered when there are more than topics), each for 8–12 to
    /// 18–25 students (about 1.2 seats per student in all), and students ranking `choices`
    /// of them.
    ///
    /// Interest is not spread evenly, and it is not independent of the groups, as in real
    /// schools: clusters differ in popularity (weights from a log-normal spread), a third
    /// of them draw high-ability students more and another third low-ability students more,
    /// and some draw economically disadvantaged students more or less — so clusters filled
    /// by first choice alone would sort students, which is what the heterogeneity limits
    /// (`ability` and `economic`, 0.15 each) are for. Ability is high for a quarter, low for
    /// a quarter; 55 % are economically disadvantaged. Every draw comes from `rng`.
    public static func synthetic(students count: Int = 600, clusters clusterCount: Int = 30, choices: Int = 5,
                                 tolerance: Double = 0.15,
                                 using rng: inout some RandomNumberGenerator) -> EnrichmentInstance {
        let topics = [
            "robotics", "theatre", "journalism", "chess", "architecture", "astronomy", "podcasting", "coding",
            "debate", "dance", "gardening", "film", "forensics", "mock-trial", "poetry", "ceramics", "chorus",
            "photography", "rocketry", "cooking", "entrepreneurship", "marine-biology", "animation", "game-design",
            "origami", "sign-language", "math-olympiad", "history-detectives", "bridge-building", "fashion-design",
            "puppetry", "sports-statistics", "environmental-action", "comics", "inventors", "stage-combat",
        ]
        func normal() -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        var clusters: [Cluster] = []
        var popularity: [Double] = [], abilityLean: [Double] = [], economicLean: [Double] = []
        let seatsPerCluster = 1.2 * Double(count) / Double(max(1, clusterCount))
        for c in 0..<clusterCount {
            let topic = topics[c % topics.count]
            let id = c < topics.count ? topic : "\(topic)-\(c / topics.count + 1)"
            let maxSize = max(4, Int((seatsPerCluster * Double.random(in: 0.8...1.2, using: &rng)).rounded()))
            let minSize = max(2, Int((Double(maxSize) * Double.random(in: 0.4...0.5, using: &rng)).rounded()))
            clusters.append(Cluster(id: id, min: minSize, max: maxSize))
            popularity.append(exp(0.8 * normal()))
            abilityLean.append([-1.0, 0, 1][c % 3] * Double.random(in: 0.6...1.2, using: &rng))
            economicLean.append(Double.random(in: -0.8...0.8, using: &rng))
        }
        var students: [Student] = []
        let width = String(count).count
        for i in 0..<count {
            let x = Double.random(in: 0..<1, using: &rng)
            let ability = x < 0.25 ? "high" : x < 0.75 ? "middle" : "low"
            let disadvantaged = Double.random(in: 0..<1, using: &rng) < 0.55
            let a = ability == "high" ? 1.0 : ability == "low" ? -1.0 : 0
            let e = disadvantaged ? 1.0 : -1.0
            var weights = (0..<clusterCount).map { c in popularity[c] * exp(abilityLean[c] * a + economicLean[c] * e) }
            var picked: [String] = []
            for _ in 0..<min(choices, clusterCount) {
                var r = Double.random(in: 0..<weights.reduce(0, +), using: &rng)
                var c = 0
                while c < clusterCount - 1 && (weights[c] == 0 || r >= weights[c]) { r -= weights[c]; c += 1 }
                picked.append(clusters[c].id)
                weights[c] = 0
            }
            let number = String(i + 1)
            students.append(Student(id: "S" + String(repeating: "0", count: width - number.count) + number, choices: picked,
                                    groups: ["economic": disadvantaged ? "disadvantaged" : "not disadvantaged"],
                                    ability: ability))
        }
        return EnrichmentInstance(clusters: clusters, students: students,
                                  heterogeneity: ["ability": tolerance, "economic": tolerance])
    }
}
