using Lla.Data;

namespace Lla.Tests.Data;

public class DataSpecPathTests
{
    [Fact]
    public void A_spec_made_relative_to_a_folder_resolves_back_to_the_same_files_through_every_wrapper()
    {
        string folder = Path.Combine(Path.GetTempPath(), "records", "run");
        string data = Path.Combine(Path.GetTempPath(), "datasets", "fmnist");
        string spec = DataSpec.Holdout(0.1, $"shift:noise:3:idx:{data}");

        string relative = DataSpec.RelativeTo(spec, folder);
        Assert.Equal($"holdout:0.1:shift:noise:3:idx:{Path.Combine("..", "..", "datasets", "fmnist")}", relative);
        Assert.Equal(spec, DataSpec.ResolveFrom(relative, folder));
    }

    [Fact]
    public void Every_path_of_an_npy_pair_is_mapped_and_an_absolute_path_resolves_to_itself()
    {
        string folder = Path.Combine(Path.GetTempPath(), "run");
        string spec = $"npy:{Path.Combine(folder, "x.npy")},{Path.Combine(folder, "y.npy")}";
        Assert.Equal("npy:x.npy,y.npy", DataSpec.RelativeTo(spec, folder));
        Assert.Equal(spec, DataSpec.ResolveFrom(spec, "/elsewhere"));
    }
}
