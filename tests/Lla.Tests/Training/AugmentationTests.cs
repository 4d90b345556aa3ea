using Lla.Training;
using Lla.Tests.Support;

namespace Lla.Tests.Training;

public class AugmentationTests
{
    public AugmentationTests() => TestTorch.Init();

    [Fact]
    public void Every_sample_is_a_whole_pixel_shift_of_itself_possibly_mirrored()
    {
        var images = rand(new long[] { 16, 1, 8, 8 }, generator: new Generator(3));
        var output = new Augmentation(MaxShift: 2, Flip: true).Apply(images, new Random(1));
        Assert.Equal(images.shape, output.shape);
        var padded = nn.functional.pad(images, new long[] { 2, 2, 2, 2 });
        int identity = 0, mirrored = 0;
        for (int i = 0; i < 16; i++)
        {
            bool found = false;
            for (int dy = 0; dy <= 4 && !found; dy++)
                for (int dx = 0; dx <= 4 && !found; dx++)
                {
                    var crop = padded[i].narrow(1, dy, 8).narrow(2, dx, 8);
                    if (crop.eq(output[i]).all().ToBoolean()) { found = true; identity += dy == 2 && dx == 2 ? 1 : 0; }
                    else if (crop.flip(2).eq(output[i]).all().ToBoolean()) { found = true; mirrored++; }
                }
            Assert.True(found, $"sample {i} is no shift of its input");
        }
        Assert.True(mirrored is > 0 and < 16, $"{mirrored} of 16 mirrored");
        Assert.True(identity < 16);
    }

    [Fact]
    public void Same_seed_same_batch_and_no_shift_no_flip_is_the_identity()
    {
        var images = rand(new long[] { 4, 1, 6, 6 }, generator: new Generator(2));
        var a = new Augmentation().Apply(images, new Random(7));
        var b = new Augmentation().Apply(images, new Random(7));
        Assert.True(a.eq(b).all().ToBoolean());
        Assert.True(new Augmentation(0, false).Apply(images, new Random(7)).eq(images).all().ToBoolean());
        Assert.Throws<LlaException>(() => new Augmentation().Apply(rand(4, 36), new Random(1)));
    }
}
