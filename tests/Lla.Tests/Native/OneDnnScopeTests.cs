using Lla.Native;
using Lla.Tests.Support;

namespace Lla.Tests.Native;

/// <summary>libtorch's oneDNN switch is one per process: a scope keeps it for its thread, and a scope on another thread waits.</summary>
[Collection("process switches")]
public class OneDnnScopeTests
{
    [Fact]
    public void A_scope_on_another_thread_waits_until_the_first_ends_and_nested_scopes_restore_in_turn()
    {
        TestTorch.Init();
        bool outside = TorchContext.OneDnn;
        var entered = new ManualResetEventSlim();
        bool? seenByOther = null;
        // A thread, not a task: the scope is this thread's until it ends here, so the test itself cannot be async.
        var other = new Thread(() =>
        {
            entered.Set();
            using (TorchContext.OneDnnScope(true)) seenByOther = TorchContext.OneDnn;
        });
        using (TorchContext.OneDnnScope(false))
        {
            other.Start();
            Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
            // The other thread is blocked in its scope: this thread's setting holds.
            Assert.False(other.Join(TimeSpan.FromMilliseconds(300)), "a scope on another thread did not wait");
            Assert.False(TorchContext.OneDnn);
            using (TorchContext.OneDnnScope(true)) Assert.True(TorchContext.OneDnn); // nests on this thread
            Assert.False(TorchContext.OneDnn);
        }
        Assert.True(other.Join(TimeSpan.FromSeconds(30)), "the other thread's scope never started");
        Assert.True(seenByOther);
        Assert.Equal(outside, TorchContext.OneDnn);
    }
}
