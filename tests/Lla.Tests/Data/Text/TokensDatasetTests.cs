using Lla.Data;
using Lla.Data.Text;
using Lla.Tests.Support;

namespace Lla.Tests.Data.Text;

public class TokensDatasetTests
{
    public TokensDatasetTests() => TestTorch.Init();

    [Fact]
    public void Windows_of_t_plus_one_tokens_are_inputs_and_next_token_targets()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Npy(Path.Combine(dir, "windows.npy"), new long[] { 2, 4 }, new long[] { 1, 2, 3, 4, 10, 11, 12, 13 });
        using var data = DataSpec.Load("tokens:" + file, Split.Train);
        Assert.Equal(new long[] { 1, 2, 3, 10, 11, 12 }, data.Inputs.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 3, 4, 11, 12, 13 }, data.Labels.data<long>().ToArray());
        Assert.Equal(14, data.NumClasses);
        Assert.False(DataSpec.HasTestSplit("tokens:" + file));
    }

    [Fact]
    public void A_stream_is_cut_into_windows_of_the_context()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Npy(Path.Combine(dir, "stream.npy"), new long[] { 10 }, Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
        using var data = TokensDataset.Load(file, context: 3);
        // Windows [0..3], [3..6], [6..9]: inputs the first 3, targets the last 3.
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, data.Inputs.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, data.Labels.data<long>().ToArray());
        Assert.Contains("a stream of 10 tokens cut into 3 windows of 3 + 1", data.Description);
    }
}
