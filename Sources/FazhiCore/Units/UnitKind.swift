/// 单位类型: the levels of the unit tree (jurisdiction → county government → departments /
/// townships → villages).
public enum UnitKind: String, Sendable, CaseIterable, Codable {
    /// 行政区域: the installation's root.
    case jurisdiction
    /// 县（区）人民政府
    case countyGovernment
    /// 部门 (市场监管局, 城管局 …) and their subordinate bodies (执法大队 …).
    case department
    /// 乡镇
    case township
    /// 街道
    case subdistrict
    /// 村
    case village
    /// 社区
    case community

    public var label: String {
        switch self {
        case .jurisdiction: "行政区域"
        case .countyGovernment: "县（区）人民政府"
        case .department: "部门"
        case .township: "乡镇"
        case .subdistrict: "街道"
        case .village: "村"
        case .community: "社区"
        }
    }

    public init?(label: String) {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        if let kind = UnitKind.allCases.first(where: { $0.label == trimmed || $0.rawValue == trimmed }) {
            self = kind
        } else if trimmed == "县人民政府" || trimmed == "区人民政府" || trimmed == "人民政府" {
            self = .countyGovernment
        } else {
            return nil
        }
    }

    /// Which kinds may stand directly above this one; an empty list means it is a root.
    public var allowedParents: Set<UnitKind> {
        switch self {
        case .jurisdiction: []
        case .countyGovernment: [.jurisdiction]
        case .department: [.countyGovernment, .department, .township, .subdistrict]
        case .township, .subdistrict: [.countyGovernment]
        case .village: [.township, .subdistrict]
        case .community: [.township, .subdistrict]
        }
    }
}
