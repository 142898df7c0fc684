/// Which page of a list.
public struct PageRequest: Sendable, Equatable {
    public var number: Int
    public var size: Int

    public init(number: Int?, size: Int? = nil) {
        // Clamped, so `offset` cannot overflow whatever a query string says.
        self.number = min(max(number ?? 1, RequestNumbers.pages.lowerBound), RequestNumbers.pages.upperBound)
        self.size = min(max(size ?? 20, 1), 200)
    }

    public var offset: Int { (number - 1) * size }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    public var pageCount: Int { max((total + request.size - 1) / request.size, 1) }
}
