namespace Lla.Connectivity;

/// <summary>
/// Exact linear assignment: the permutation π maximizing Σ_i profit[i, π(i)] of a square matrix, by the
/// Hungarian method with row and column potentials (shortest augmenting paths, Jonker–Volgenant style), O(n³).
/// Rows are added one at a time; for each, Dijkstra-like growth over reduced costs c[i,j] − u_i − v_j ≥ 0 finds the
/// cheapest augmenting path, then the potentials are updated so every reduced cost stays non-negative and every
/// assigned pair has reduced cost 0 — the optimality certificate of linear programming duality.
/// </summary>
public static class LinearAssignment
{
    /// <summary>π with π[i] the column assigned to row i, maximizing Σ_i profit[i, π[i]].</summary>
    public static int[] Maximize(double[,] profit)
    {
        int n = profit.GetLength(0);
        if (profit.GetLength(1) != n) throw new ArgumentException($"a square matrix is needed, got {n}×{profit.GetLength(1)}");
        var cost = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double p = profit[i, j];
                if (!double.IsFinite(p)) throw new LlaException($"linear assignment: entry [{i},{j}] of the profit matrix is {p}");
                cost[i, j] = -p;
            }
        return Minimize(cost);
    }

    /// <summary>π minimizing Σ_i cost[i, π[i]] (finite entries).</summary>
    public static int[] Minimize(double[,] cost)
    {
        int n = cost.GetLength(0);
        if (cost.GetLength(1) != n) throw new ArgumentException($"a square matrix is needed, got {n}×{cost.GetLength(1)}");
        // 1-based arrays; column 0 is a virtual column holding the row being inserted.
        var u = new double[n + 1];            // row potentials
        var v = new double[n + 1];            // column potentials
        var rowOfColumn = new int[n + 1];     // row assigned to each column (0: free)
        var previous = new int[n + 1];        // the column before each one on the shortest path
        var slack = new double[n + 1];        // smallest reduced cost reaching each column so far
        var visited = new bool[n + 1];
        for (int row = 1; row <= n; row++)
        {
            rowOfColumn[0] = row;
            int column = 0;
            Array.Fill(slack, double.PositiveInfinity);
            Array.Fill(visited, false);
            do
            {
                visited[column] = true;
                int i = rowOfColumn[column];
                double delta = double.PositiveInfinity;
                int next = 0;
                for (int j = 1; j <= n; j++)
                {
                    if (visited[j]) continue;
                    double reduced = cost[i - 1, j - 1] - u[i] - v[j];
                    if (reduced < slack[j]) { slack[j] = reduced; previous[j] = column; }
                    if (slack[j] < delta) { delta = slack[j]; next = j; }
                }
                for (int j = 0; j <= n; j++)
                {
                    if (visited[j]) { u[rowOfColumn[j]] += delta; v[j] -= delta; }
                    else slack[j] -= delta;
                }
                column = next;
            } while (rowOfColumn[column] != 0);
            // Augment: shift the assignments back along the path.
            do
            {
                int before = previous[column];
                rowOfColumn[column] = rowOfColumn[before];
                column = before;
            } while (column != 0);
        }
        var assignment = new int[n];
        for (int j = 1; j <= n; j++) assignment[rowOfColumn[j] - 1] = j - 1;
        return assignment;
    }
}
