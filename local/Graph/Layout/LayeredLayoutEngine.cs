namespace StateMachineGraph.Layout;

/// <summary>A box to place and its size.</summary>
internal sealed record LayoutItem(string Id, double Width, double Height);

/// <summary>A directed link between two items; a label reserves room beside long edges.</summary>
internal sealed record LayoutLink(string Id, string From, string To, double LabelWidth, double LabelHeight);

internal sealed record PlacedItem(string Id, double CenterX, double CenterY, double Width, double Height, int Rank);

internal sealed record RoutedLink(string Id, IReadOnlyList<LayoutPoint> Points, LayoutPoint? LabelAt, bool Reversed);

internal sealed record LayeredResult(
    IReadOnlyDictionary<string, PlacedItem> Items,
    IReadOnlyDictionary<string, RoutedLink> Links,
    double Width,
    double Height);

/// <summary>
/// Sugiyama-style layered layout, top to bottom: DFS cycle breaking, longest-path ranking, virtual nodes on long edges,
/// barycenter ordering with crossing counts, and x placement by weighted isotonic regression (optimal for a fixed order),
/// alternated up and down so that long edges run straight.
/// </summary>
internal static class LayeredLayoutEngine
{
    public const double NodeGap = 36;
    public const double VirtualGap = 14;
    public const double RankGap = 52;
    private const int OrderingPasses = 24;
    private const int PlacementPasses = 10;

    private sealed class LNode
    {
        public required string Id { get; init; }
        public double Width { get; set; }
        public double Height { get; init; }
        public bool IsVirtual { get; init; }
        public int Rank { get; set; }
        public int Order { get; set; }
        public double X { get; set; }
        public List<LEdge> Up { get; } = [];
        public List<LEdge> Down { get; } = [];
    }

    private sealed record LEdge(LNode Upper, LNode Lower, double Weight);

    public static LayeredResult Compute(IReadOnlyList<LayoutItem> items, IReadOnlyList<LayoutLink> links, string? rootId)
    {
        var nodes = new Dictionary<string, LNode>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            nodes[item.Id] = new LNode { Id = item.Id, Width = item.Width, Height = item.Height };
        }

        var realLinks = links.Where(l => l.From != l.To).ToList();
        var reversed = FindBackEdges(items, realLinks, rootId);
        AssignRanks(items, realLinks, reversed, nodes, rootId);

        var chains = new Dictionary<string, List<LNode>>(StringComparer.Ordinal);
        foreach (var link in realLinks)
        {
            var isReversed = reversed.Contains(link.Id);
            var upper = nodes[isReversed ? link.To : link.From];
            var lower = nodes[isReversed ? link.From : link.To];
            var chain = new List<LNode> { upper };
            for (var r = upper.Rank + 1; r < lower.Rank; r++)
            {
                var isLabelHolder = r == upper.Rank + 1 && link.LabelWidth > 0;
                var v = new LNode
                {
                    Id = $"{link.Id}~{r}",
                    IsVirtual = true,
                    Rank = r,
                    Width = isLabelHolder ? link.LabelWidth : 2,
                    Height = isLabelHolder ? link.LabelHeight : 0,
                };
                chain.Add(v);
            }

            chain.Add(lower);
            for (var i = 0; i + 1 < chain.Count; i++)
            {
                var a = chain[i];
                var b = chain[i + 1];
                var weight = a.IsVirtual && b.IsVirtual ? 8 : a.IsVirtual || b.IsVirtual ? 2 : 1;
                var edge = new LEdge(a, b, weight);
                a.Down.Add(edge);
                b.Up.Add(edge);
            }

            chains[link.Id] = chain;
        }

        var allNodes = nodes.Values.Concat(chains.Values.SelectMany(c => c).Where(n => n.IsVirtual)).ToList();
        var layers = BuildInitialOrder(items, nodes, allNodes, rootId);
        ReduceCrossings(layers);
        PlaceHorizontally(layers);

        // Vertical placement: each rank is as tall as its tallest member.
        var layerTop = new double[layers.Count];
        var layerHeight = new double[layers.Count];
        var y = 0.0;
        for (var r = 0; r < layers.Count; r++)
        {
            layerHeight[r] = layers[r].Count == 0 ? 0 : layers[r].Max(n => n.Height);
            layerTop[r] = y;
            y += layerHeight[r] + RankGap;
        }

        var height = Math.Max(0, y - RankGap);
        var minX = allNodes.Count == 0 ? 0 : allNodes.Min(n => n.X - n.Width / 2);
        var maxX = allNodes.Count == 0 ? 0 : allNodes.Max(n => n.X + n.Width / 2);
        foreach (var n in allNodes)
        {
            n.X -= minX;
        }

        var placed = nodes.Values.ToDictionary(
            n => n.Id,
            n => new PlacedItem(n.Id, n.X, layerTop[n.Rank] + layerHeight[n.Rank] / 2, n.Width, n.Height, n.Rank),
            StringComparer.Ordinal);

        var routes = RouteLinks(links, chains, reversed, placed, layerTop, layerHeight);
        var selfLoopRoom = links.Any(l => l.From == l.To) ? 24 : 0;
        return new LayeredResult(placed, routes, maxX - minX + selfLoopRoom, height);
    }

    private static HashSet<string> FindBackEdges(IReadOnlyList<LayoutItem> items, List<LayoutLink> links, string? rootId)
    {
        var outgoing = links.GroupBy(l => l.From).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var hasIncoming = links.Select(l => l.To).ToHashSet(StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on stack, 2 done
        var back = new HashSet<string>(StringComparer.Ordinal);
        var roots = RootOrder(items, hasIncoming, rootId);

        foreach (var root in roots)
        {
            if (state.ContainsKey(root))
            {
                continue;
            }

            // Iterative DFS so that deep definitions cannot overflow the stack.
            var stack = new Stack<(string Node, int NextIndex)>();
            stack.Push((root, 0));
            state[root] = 1;
            while (stack.Count > 0)
            {
                var (node, index) = stack.Pop();
                var edges = outgoing.TryGetValue(node, out var list) ? list : [];
                if (index >= edges.Count)
                {
                    state[node] = 2;
                    continue;
                }

                stack.Push((node, index + 1));
                var link = edges[index];
                if (!state.TryGetValue(link.To, out var s))
                {
                    state[link.To] = 1;
                    stack.Push((link.To, 0));
                }
                else if (s == 1)
                {
                    back.Add(link.Id);
                }
            }
        }

        return back;
    }

    private static List<string> RootOrder(IReadOnlyList<LayoutItem> items, HashSet<string> hasIncoming, string? rootId)
    {
        var roots = new List<string>();
        if (rootId is not null)
        {
            roots.Add(rootId);
        }

        roots.AddRange(items.Where(i => !hasIncoming.Contains(i.Id)).Select(i => i.Id));
        roots.AddRange(items.Select(i => i.Id));
        return roots;
    }

    private static void AssignRanks(
        IReadOnlyList<LayoutItem> items, List<LayoutLink> links, HashSet<string> reversed, Dictionary<string, LNode> nodes, string? rootId)
    {
        var preds = items.ToDictionary(i => i.Id, _ => new List<string>(), StringComparer.Ordinal);
        var succs = items.ToDictionary(i => i.Id, _ => new List<(string Id, int MinLength)>(), StringComparer.Ordinal);
        foreach (var link in links)
        {
            var (from, to) = reversed.Contains(link.Id) ? (link.To, link.From) : (link.From, link.To);
            preds[to].Add(from);

            // A labelled edge spans at least two ranks, so its label gets a slot of its own in the middle rank.
            succs[from].Add((to, link.LabelWidth > 0 ? 2 : 1));
        }

        // Longest path from the sources, in topological order (Kahn).
        var remaining = preds.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
        var queue = new Queue<string>(items.Select(i => i.Id).Where(id => remaining[id] == 0));
        var topo = new List<string>();
        while (queue.Count > 0)
        {
            var id = queue.Dequeue();
            topo.Add(id);
            foreach (var (s, minLength) in succs[id])
            {
                nodes[s].Rank = Math.Max(nodes[s].Rank, nodes[id].Rank + minLength);
                if (--remaining[s] == 0)
                {
                    queue.Enqueue(s);
                }
            }
        }

        // Sources other than the root sit just above their nearest successor instead of at the very top.
        for (var i = topo.Count - 1; i >= 0; i--)
        {
            var id = topo[i];
            if (id != rootId && preds[id].Count == 0 && succs[id].Count > 0)
            {
                nodes[id].Rank = succs[id].Min(s => nodes[s.Id].Rank - s.MinLength);
            }
        }
    }

    private static List<List<LNode>> BuildInitialOrder(
        IReadOnlyList<LayoutItem> items, Dictionary<string, LNode> nodes, List<LNode> allNodes, string? rootId)
    {
        var rankCount = allNodes.Count == 0 ? 0 : allNodes.Max(n => n.Rank) + 1;
        var layers = Enumerable.Range(0, rankCount).Select(_ => new List<LNode>()).ToList();
        var seen = new HashSet<LNode>();

        // Depth-first order from the root gives a first ordering with few crossings.
        var starts = new List<LNode>();
        if (rootId is not null)
        {
            starts.Add(nodes[rootId]);
        }

        starts.AddRange(items.Select(i => nodes[i.Id]));
        foreach (var start in starts)
        {
            var stack = new Stack<LNode>();
            stack.Push(start);
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (!seen.Add(n))
                {
                    continue;
                }

                layers[n.Rank].Add(n);
                for (var i = n.Down.Count - 1; i >= 0; i--)
                {
                    stack.Push(n.Down[i].Lower);
                }
            }
        }

        foreach (var n in allNodes.Where(n => !seen.Contains(n)))
        {
            layers[n.Rank].Add(n);
        }

        Renumber(layers);
        return layers;
    }

    private static void Renumber(List<List<LNode>> layers)
    {
        foreach (var layer in layers)
        {
            for (var i = 0; i < layer.Count; i++)
            {
                layer[i].Order = i;
            }
        }
    }

    private static void ReduceCrossings(List<List<LNode>> layers)
    {
        var best = layers.Select(l => l.ToList()).ToList();
        var bestCrossings = CountCrossings(layers);
        for (var pass = 0; pass < OrderingPasses && bestCrossings > 0; pass++)
        {
            var downward = pass % 2 == 0;
            if (downward)
            {
                for (var r = 1; r < layers.Count; r++)
                {
                    SortByBarycenter(layers[r], n => n.Up.Select(e => e.Upper));
                }
            }
            else
            {
                for (var r = layers.Count - 2; r >= 0; r--)
                {
                    SortByBarycenter(layers[r], n => n.Down.Select(e => e.Lower));
                }
            }

            Transpose(layers);
            var crossings = CountCrossings(layers);
            if (crossings < bestCrossings)
            {
                bestCrossings = crossings;
                best = layers.Select(l => l.ToList()).ToList();
            }
        }

        for (var r = 0; r < layers.Count; r++)
        {
            layers[r].Clear();
            layers[r].AddRange(best[r]);
        }

        Renumber(layers);
    }

    private static void SortByBarycenter(List<LNode> layer, Func<LNode, IEnumerable<LNode>> neighbours)
    {
        var keyed = layer.Select(n =>
        {
            var orders = neighbours(n).Select(m => (double)m.Order).ToList();
            return (Node: n, Key: orders.Count == 0 ? n.Order : orders.Average());
        }).ToList();

        // A stable sort keeps nodes without neighbours where they are relative to equal keys.
        var sorted = keyed.OrderBy(k => k.Key).ThenBy(k => k.Node.Order).Select(k => k.Node).ToList();
        layer.Clear();
        layer.AddRange(sorted);
        for (var i = 0; i < layer.Count; i++)
        {
            layer[i].Order = i;
        }
    }

    private static void Transpose(List<List<LNode>> layers)
    {
        var improved = true;
        for (var round = 0; improved && round < 4; round++)
        {
            improved = false;
            for (var r = 0; r < layers.Count; r++)
            {
                var layer = layers[r];
                for (var i = 0; i + 1 < layer.Count; i++)
                {
                    var a = layer[i];
                    var b = layer[i + 1];
                    var before = PairCrossings(a, b);
                    var after = PairCrossings(b, a);
                    if (after < before)
                    {
                        layer[i] = b;
                        layer[i + 1] = a;
                        a.Order = i + 1;
                        b.Order = i;
                        improved = true;
                    }
                }
            }
        }
    }

    /// <summary>Crossings between the edges of <paramref name="left"/> and <paramref name="right"/> when left is placed first.</summary>
    private static int PairCrossings(LNode left, LNode right)
    {
        var count = 0;
        foreach (var a in left.Up)
        {
            count += right.Up.Count(b => b.Upper.Order < a.Upper.Order);
        }

        foreach (var a in left.Down)
        {
            count += right.Down.Count(b => b.Lower.Order < a.Lower.Order);
        }

        return count;
    }

    internal static int CountCrossingsForTest(IReadOnlyList<(int UpperOrder, int LowerOrder)> edges)
    {
        var count = 0;
        for (var i = 0; i < edges.Count; i++)
        {
            for (var j = i + 1; j < edges.Count; j++)
            {
                var (a1, b1) = edges[i];
                var (a2, b2) = edges[j];
                if ((a1 - a2) * (b1 - b2) < 0)
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static int CountCrossings(List<List<LNode>> layers)
    {
        var total = 0;
        foreach (var layer in layers)
        {
            var edges = layer.SelectMany(n => n.Down).Select(e => (e.Upper.Order, e.Lower.Order)).ToList();
            total += CountCrossingsForTest(edges);
        }

        return total;
    }

    private static void PlaceHorizontally(List<List<LNode>> layers)
    {
        foreach (var layer in layers)
        {
            var x = 0.0;
            for (var i = 0; i < layer.Count; i++)
            {
                if (i > 0)
                {
                    x += Separation(layer[i - 1], layer[i]);
                }

                layer[i].X = x;
            }
        }

        for (var pass = 0; pass < PlacementPasses; pass++)
        {
            for (var r = 1; r < layers.Count; r++)
            {
                AlignLayer(layers[r], n => n.Up.Select(e => (e.Upper, e.Weight)), n => n.Down.Select(e => (e.Lower, e.Weight)));
            }

            for (var r = layers.Count - 2; r >= 0; r--)
            {
                AlignLayer(layers[r], n => n.Down.Select(e => (e.Lower, e.Weight)), n => n.Up.Select(e => (e.Upper, e.Weight)));
            }
        }

        // A last downward pass centres children under their parents, the way the console draws a sequence.
        for (var r = 1; r < layers.Count; r++)
        {
            AlignLayer(layers[r], n => n.Up.Select(e => (e.Upper, e.Weight)), n => n.Down.Select(e => (e.Lower, e.Weight)));
        }
    }

    private static double Separation(LNode a, LNode b) =>
        (a.Width + b.Width) / 2 + (a.IsVirtual && b.IsVirtual ? VirtualGap : NodeGap);

    /// <summary>
    /// Moves the nodes of one layer as close as possible to the weighted mean of their neighbours while keeping their order
    /// and minimum separations: a weighted isotonic regression solved exactly by pool-adjacent-violators.
    /// </summary>
    private static void AlignLayer(
        List<LNode> layer,
        Func<LNode, IEnumerable<(LNode Node, double Weight)>> reference,
        Func<LNode, IEnumerable<(LNode Node, double Weight)>> fallback)
    {
        if (layer.Count == 0)
        {
            return;
        }

        var n = layer.Count;
        var offset = new double[n];
        for (var i = 1; i < n; i++)
        {
            offset[i] = offset[i - 1] + Separation(layer[i - 1], layer[i]);
        }

        var target = new double[n];
        var weight = new double[n];
        for (var i = 0; i < n; i++)
        {
            var node = layer[i];
            var neighbours = reference(node).ToList();
            var scale = 1.0;
            if (neighbours.Count == 0)
            {
                neighbours = fallback(node).ToList();
                scale = 0.25;
            }

            if (neighbours.Count == 0)
            {
                target[i] = node.X - offset[i];
                weight[i] = 0.05;
                continue;
            }

            var sumW = neighbours.Sum(m => m.Weight);
            target[i] = neighbours.Sum(m => m.Node.X * m.Weight) / sumW - offset[i];
            weight[i] = sumW * scale;
        }

        var blockStart = new List<int>();
        var blockWeight = new List<double>();
        var blockMean = new List<double>();
        for (var i = 0; i < n; i++)
        {
            blockStart.Add(i);
            blockWeight.Add(weight[i]);
            blockMean.Add(target[i]);
            while (blockMean.Count > 1 && blockMean[^2] > blockMean[^1])
            {
                var w = blockWeight[^2] + blockWeight[^1];
                var mean = (blockMean[^2] * blockWeight[^2] + blockMean[^1] * blockWeight[^1]) / w;
                blockStart.RemoveAt(blockStart.Count - 1);
                blockWeight.RemoveAt(blockWeight.Count - 1);
                blockMean.RemoveAt(blockMean.Count - 1);
                blockWeight[^1] = w;
                blockMean[^1] = mean;
            }
        }

        for (var b = 0; b < blockStart.Count; b++)
        {
            var end = b + 1 < blockStart.Count ? blockStart[b + 1] : n;
            for (var i = blockStart[b]; i < end; i++)
            {
                layer[i].X = blockMean[b] + offset[i];
            }
        }
    }

    private static Dictionary<string, RoutedLink> RouteLinks(
        IReadOnlyList<LayoutLink> links,
        Dictionary<string, List<LNode>> chains,
        HashSet<string> reversed,
        Dictionary<string, PlacedItem> placed,
        double[] layerTop,
        double[] layerHeight)
    {
        // Spread the ports of nodes with several edges along their bottom and top sides.
        var bottomPorts = new Dictionary<string, double>(StringComparer.Ordinal);
        var topPorts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in chains.GroupBy(c => c.Value[0].Id))
        {
            AssignPorts(group.Select(c => (c.Key, c.Value[1].X)), placed[group.Key], bottomPorts);
        }

        foreach (var group in chains.GroupBy(c => c.Value[^1].Id))
        {
            AssignPorts(group.Select(c => (c.Key, c.Value[^2].X)), placed[group.Key], topPorts);
        }

        var routes = new Dictionary<string, RoutedLink>(StringComparer.Ordinal);
        foreach (var link in links)
        {
            if (link.From == link.To)
            {
                var box = placed[link.From];
                var right = box.CenterX + box.Width / 2;
                var top = box.CenterY - box.Height / 4;
                var bottom = box.CenterY + box.Height / 4;
                routes[link.Id] = new RoutedLink(
                    link.Id,
                    [new(right, top), new(right + 20, top), new(right + 20, bottom), new(right, bottom)],
                    link.LabelWidth > 0 ? new LayoutPoint(right + 20 + link.LabelWidth / 2, box.CenterY) : null,
                    false);
                continue;
            }

            var chain = chains[link.Id];
            var upper = placed[chain[0].Id];
            var lower = placed[chain[^1].Id];
            var points = new List<LayoutPoint>
            {
                new(bottomPorts[link.Id], upper.CenterY + upper.Height / 2),
            };
            LayoutPoint? labelAt = null;
            for (var i = 1; i + 1 < chain.Count; i++)
            {
                var v = chain[i];
                points.Add(new(v.X, layerTop[v.Rank]));
                points.Add(new(v.X, layerTop[v.Rank] + layerHeight[v.Rank]));
                if (i == 1 && link.LabelWidth > 0)
                {
                    labelAt = new LayoutPoint(v.X, layerTop[v.Rank] + layerHeight[v.Rank] / 2);
                }
            }

            points.Add(new(topPorts[link.Id], lower.CenterY - lower.Height / 2));
            if (labelAt is null && link.LabelWidth > 0)
            {
                labelAt = new LayoutPoint((points[0].X + points[1].X) / 2, (points[0].Y + points[1].Y) / 2);
            }

            var isReversed = reversed.Contains(link.Id);
            if (isReversed)
            {
                points.Reverse();
            }

            routes[link.Id] = new RoutedLink(link.Id, points, labelAt, isReversed);
        }

        return routes;
    }

    private static void AssignPorts(IEnumerable<(string LinkId, double TowardsX)> links, PlacedItem box, Dictionary<string, double> ports)
    {
        var ordered = links.OrderBy(l => l.TowardsX).ToList();
        var spacing = ordered.Count <= 1 ? 0 : Math.Min(18, box.Width * 0.6 / (ordered.Count - 1));
        for (var i = 0; i < ordered.Count; i++)
        {
            ports[ordered[i].LinkId] = box.CenterX + (i - (ordered.Count - 1) / 2.0) * spacing;
        }
    }
}
