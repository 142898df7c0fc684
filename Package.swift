// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "fazhi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fazhi", targets: ["fazhi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // LogHandler.log(event:) (the JSON log handler) is from 1.16.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "fazhi",
            dependencies: ["FazhiApp"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FazhiApp",
            dependencies: [
                "FazhiCore",
                "NormativeDocuments",
                "MajorDecisions",
                "LegalAffairs",
                "Disclosure",
                "Suggestions",
                "ServiceCatalogue",
                "Mediation",
                "Oversight",
                "LegalEducation",
                "Indicators",
                "FazhiDeadlines",
                "Reconsideration",
                "Litigation",
                "Enforcement",
                "EnforcementSupervision",
                "Reports",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FazhiCore",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
                // The batch inserts bind SQLite values directly and COPY into PostgreSQL (`BulkInsertable.insertAll`).
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
                "FazhiCalendar",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FazhiDeadlines",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reconsideration",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Litigation",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Enforcement",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnforcementSupervision",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                "Enforcement",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reports",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FazhiCalendar",
            resources: [.copy("Resources/official-calendar.json")],
            swiftSettings: swiftSettings
        ),
        .target(name: "FazhiMallocCounter"),
        .executableTarget(
            name: "fazhi-bench",
            dependencies: ["FazhiCalendar", "FazhiMallocCounter", "FazhiApp", "FazhiCore", "Enforcement", "Reconsideration", "Reports", .product(name: "Vapor", package: "vapor"),
                           .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: swiftSettings,
            // The allocation counter's malloc family must be visible to the shared libraries.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "FazhiCalendarTests",
            dependencies: [
                "FazhiCalendar",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NormativeDocuments",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MajorDecisions",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LegalAffairs",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                "NormativeDocuments",
                "MajorDecisions",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Disclosure",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Suggestions",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SuggestionsTests",
            dependencies: ["Suggestions", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceCatalogue",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceCatalogueTests",
            dependencies: ["ServiceCatalogue", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Mediation",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MediationTests",
            dependencies: ["Mediation", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Oversight",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OversightTests",
            dependencies: ["Oversight", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LegalEducation",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LegalEducationTests",
            dependencies: ["LegalEducation", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Indicators",
            dependencies: [
                "FazhiCore",
                "FazhiCalendar",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IndicatorsTests",
            dependencies: ["Indicators", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DisclosureTests",
            dependencies: ["Disclosure", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LegalAffairsTests",
            dependencies: ["LegalAffairs", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MajorDecisionsTests",
            dependencies: ["MajorDecisions", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NormativeDocumentsTests",
            dependencies: ["NormativeDocuments", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnforcementTests",
            dependencies: ["Enforcement", "FazhiCore", "FazhiCalendar", "FazhiDeadlines"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReconsiderationTests",
            dependencies: ["Reconsideration", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnforcementSupervisionTests",
            dependencies: ["EnforcementSupervision", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LitigationTests",
            dependencies: ["Litigation", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "FazhiCore", "FazhiCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FazhiCoreTests",
            dependencies: ["FazhiCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FazhiAppTests",
            dependencies: [
                "FazhiApp",
                "FazhiCore",
                "FazhiCalendar",
                "FazhiDeadlines",
                "Reconsideration",
                "Litigation",
                "Enforcement",
                "EnforcementSupervision",
                "NormativeDocuments",
                "MajorDecisions",
                "LegalAffairs",
                "Disclosure",
                "Suggestions",
                "ServiceCatalogue",
                "Mediation",
                "Oversight",
                "LegalEducation",
                "Indicators",
                "Reports",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["__Snapshots__", "__Fixtures__"],
            swiftSettings: swiftSettings
        ),
    ]
)
