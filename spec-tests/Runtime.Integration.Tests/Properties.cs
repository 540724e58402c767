// Test classes run in parallel (one xunit collection per class); see xunit.runner.json for the thread cap.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 4)]
