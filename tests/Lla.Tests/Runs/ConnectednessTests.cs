using Lla.Connectivity;
using Lla.Runs;

namespace Lla.Tests.Runs;

/// <summary>
/// The connection verdict on closed cases: a path connects A and B when its training barrier is at most 10 % of the larger
/// end loss (docs/results.md), and the verdict names the first connecting path: straight line, aligned line, curve.
/// </summary>
public class ConnectednessTests
{
    /// <summary>A path with end losses 2 and 1 (the rule's bound: 0.1 · 2 = 0.2, exactly the double 0.2) and the given barrier.</summary>
    private static ModePathRecord Path(string method, bool aligned, double barrier) =>
        new(method, aligned, "recompute", [0, 0.5, 1], [2.0, 2.0 + barrier, 1.0], [0.9, 0.8, 0.9], [], [], barrier, double.NaN);

    [Fact]
    public void A_barrier_of_exactly_a_tenth_of_the_larger_end_loss_connects_and_the_next_double_above_does_not()
    {
        Assert.True(Connectedness.Connects(Path("linear", false, 0.2)));
        Assert.False(Connectedness.Connects(Path("linear", false, Math.BitIncrement(0.2))));
        Assert.True(Connectedness.Connects(Path("linear", false, 0)));
        Assert.False(Connectedness.Connects(Path("linear", false, double.NaN))); // an unknown barrier connects nothing
        Assert.False(Connectedness.Connects(Path("linear", false, 0) with { TrainLoss = [] }));
    }

    [Fact]
    public void The_verdict_names_the_first_connecting_path_in_the_order_line_aligned_line_curve()
    {
        Assert.Equal(Connection.StraightLine, Connectedness.Of([Path("linear", false, 0.1), Path("linear", true, 0.1), Path("bezier", true, 0.1)])!.Connection);
        Assert.Equal(Connection.StraightLineAligned, Connectedness.Of([Path("linear", false, 0.5), Path("linear", true, 0.2), Path("bezier", true, 0)])!.Connection);
        var curve = Connectedness.Of([Path("linear", false, 0.5), Path("linear", true, 0.3), Path("chain", true, 0.01)])!;
        Assert.Equal(Connection.Curve, curve.Connection);
        Assert.Equal("Models A and B are connected by a curve: no straight line, even after alignment, avoids the barrier, but the trained chain curve does.", curve.Sentence);
        var none = Connectedness.Of([Path("linear", false, 0.5)])!;
        Assert.Equal(Connection.NotShown, none.Connection);
        Assert.Contains("more than 10 % of the larger end loss (a trained curve", none.Sentence);
        Assert.Equal("The straight line from A to B has a training-loss barrier of 0.5.", none.Barriers);
        Assert.Contains("at most 10 % of the larger end loss", none.Rule);
        Assert.Null(Connectedness.Of([]));
    }

    [Fact]
    public void The_verdict_is_stored_in_results_json_with_its_connection_by_name()
    {
        var record = new ConnectRecord("b.bin", null, null, null, null) { Verdict = Connectedness.Of([Path("linear", true, 0.0)]) };
        var node = ResultsSerializer.ToNode(record);
        Assert.Equal("straight_line_aligned", node["verdict"]!["connection"]!.GetValue<string>());
        Assert.Equal(record.Verdict, ResultsSerializer.FromNode<ConnectRecord>(node).Verdict);
    }
}
