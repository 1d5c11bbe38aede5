// Classification metrics, with the expected values worked out by hand next to each check.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "metrics/metrics.hpp"

using neurite::metrics::ConfusionMatrix;
using neurite::metrics::predicted_classes;
using neurite::metrics::true_classes;
using Classes = std::vector<std::size_t>;

namespace {

// truth: 0 0 0 0 1 1 1 2 2 2
// pred:  0 0 1 2 1 1 0 2 2 1
//
// true\pred  0  1  2   | row sum
//         0  2  1  1   | 4
//         1  1  2  0   | 3
//         2  0  1  2   | 3
// col sum    3  4  3
ConfusionMatrix three_class_example() {
  ConfusionMatrix cm(3);
  cm.add(Classes{0, 0, 0, 0, 1, 1, 1, 2, 2, 2}, Classes{0, 0, 1, 2, 1, 1, 0, 2, 2, 1});
  return cm;
}

}  // namespace

TEST_CASE("metrics.predicted_classes") {
  // argmax per row; a tie goes to the first maximum, as NumPy's argmax
  const std::vector<float> pred = {0.1f, 0.7f, 0.2f,   //
                                   -3.0f, -1.0f, -2.0f,  //
                                   0.4f, 0.1f, 0.4f};
  CHECK(predicted_classes(pred.data(), 3, 3) == Classes{1, 1, 0});

  // one column: probabilities against 0.5, logits against 0
  const std::vector<float> binary = {0.2f, 0.5f, 0.51f, -0.1f};
  CHECK(predicted_classes(binary.data(), 4, 1) == Classes{0, 0, 1, 0});  // 0.5 is not > 0.5
  CHECK(predicted_classes(binary.data(), 4, 1, 0.0f) == Classes{1, 1, 1, 0});

  CHECK_THROWS_AS(predicted_classes(pred.data(), 3, 0), std::invalid_argument);
}

TEST_CASE("metrics.true_classes") {
  const std::vector<float> sparse = {3, 0, 9, 1};
  CHECK(true_classes(sparse.data(), 4, 0) == Classes{3, 0, 9, 1});  // a 1-D [N] tensor
  CHECK(true_classes(sparse.data(), 4, 1) == Classes{3, 0, 9, 1});  // the same as [N, 1]

  const std::vector<float> onehot = {0, 0, 1,  //
                                     1, 0, 0};
  CHECK(true_classes(onehot.data(), 2, 3) == Classes{2, 0});

  // binary [N, 1] targets, soft ones too: 1 from 0.5 up
  const std::vector<float> binary = {0.0f, 1.0f, 0.49f, 0.5f, 0.9f};
  CHECK(true_classes(binary.data(), 5, 1) == Classes{0, 1, 0, 1, 1});

  const std::vector<float> negative = {1.0f, -1.0f};
  CHECK_THROWS_WITH_AS(true_classes(negative.data(), 2, 1), doctest::Contains("row 1"), std::invalid_argument);
  const std::vector<float> nan = {std::numeric_limits<float>::quiet_NaN()};
  CHECK_THROWS_AS(true_classes(nan.data(), 1, 0), std::invalid_argument);
}

TEST_CASE("metrics.confusion_counts") {
  const ConfusionMatrix cm = three_class_example();
  CHECK(cm.num_classes() == 3);
  CHECK(cm.total() == 10);
  CHECK(cm.count(0, 0) == 2);
  CHECK(cm.count(0, 2) == 1);
  CHECK(cm.count(1, 0) == 1);
  CHECK(cm.count(2, 1) == 1);
  CHECK(cm.count(2, 0) == 0);
  CHECK(cm.true_count(0) == 4);
  CHECK(cm.predicted_count(1) == 4);
}

TEST_CASE("metrics.three_class") {
  const ConfusionMatrix cm = three_class_example();
  CHECK(cm.accuracy() == doctest::Approx(0.6));  // diagonal 2 + 2 + 2 of 10

  // class 0: tp 2, predicted 3, true 4
  CHECK(cm.precision(0) == doctest::Approx(2.0 / 3.0));
  CHECK(cm.recall(0) == doctest::Approx(2.0 / 4.0));
  CHECK(cm.f1(0) == doctest::Approx(4.0 / 7.0));  // 2*2 / (4 + 3)
  // class 1: tp 2, predicted 4, true 3
  CHECK(cm.precision(1) == doctest::Approx(2.0 / 4.0));
  CHECK(cm.recall(1) == doctest::Approx(2.0 / 3.0));
  CHECK(cm.f1(1) == doctest::Approx(4.0 / 7.0));  // 2*2 / (3 + 4)
  // class 2: tp 2, predicted 3, true 3
  CHECK(cm.precision(2) == doctest::Approx(2.0 / 3.0));
  CHECK(cm.recall(2) == doctest::Approx(2.0 / 3.0));
  CHECK(cm.f1(2) == doctest::Approx(2.0 / 3.0));  // 2*2 / (3 + 3)

  CHECK(cm.macro_precision() == doctest::Approx(11.0 / 18.0));  // (2/3 + 1/2 + 2/3) / 3
  CHECK(cm.macro_recall() == doctest::Approx(11.0 / 18.0));     // (1/2 + 2/3 + 2/3) / 3
  CHECK(cm.macro_f1() == doctest::Approx(38.0 / 63.0));         // (4/7 + 4/7 + 2/3) / 3 = (12 + 12 + 14) / 63
}

TEST_CASE("metrics.binary") {
  // sigmoid outputs against 0/1 targets, through both helpers
  const std::vector<float> prob = {0.9f, 0.3f, 0.8f, 0.1f, 0.2f, 0.7f, 0.4f, 0.6f};
  const std::vector<float> target = {1, 1, 1, 0, 0, 0, 0, 1};
  ConfusionMatrix cm(2);
  cm.add(true_classes(target.data(), 8, 1), predicted_classes(prob.data(), 8, 1));
  // predicted:                         1  0  1  0  0  1  0  1
  // class 1: tp 3 (rows 0, 2, 7), fn 1 (row 1), fp 1 (row 5); class 0: tp 3 (rows 3, 4, 6)
  CHECK(cm.count(1, 1) == 3);
  CHECK(cm.count(1, 0) == 1);
  CHECK(cm.count(0, 1) == 1);
  CHECK(cm.count(0, 0) == 3);
  CHECK(cm.accuracy() == doctest::Approx(6.0 / 8.0));
  CHECK(cm.precision(1) == doctest::Approx(3.0 / 4.0));
  CHECK(cm.recall(1) == doctest::Approx(3.0 / 4.0));
  CHECK(cm.f1(1) == doctest::Approx(0.75));  // 2*3 / (4 + 4)
}

TEST_CASE("metrics.undefined_is_zero") {
  // class 1 is never predicted (precision 0/0), class 2 never occurs at all
  ConfusionMatrix cm(3);
  cm.add(Classes{0, 0, 1, 1}, Classes{0, 0, 0, 0});
  CHECK(cm.precision(1) == 0.0);  // 0/0 -> 0, as sklearn's zero_division=0
  CHECK(cm.recall(1) == 0.0);     // 0/2
  CHECK(cm.f1(1) == 0.0);         // 2*0 / (2 + 0)
  CHECK(cm.precision(2) == 0.0);
  CHECK(cm.recall(2) == 0.0);
  CHECK(cm.f1(2) == 0.0);
  CHECK(cm.precision(0) == doctest::Approx(0.5));  // 2 of 4 predictions of 0 are right
  CHECK(cm.recall(0) == 1.0);
  CHECK(cm.f1(0) == doctest::Approx(2.0 / 3.0));  // 2*2 / (2 + 4)
  // class 2 appears nowhere, so sklearn leaves it out of the macro mean: (1/2 + 0) / 2
  CHECK(cm.macro_precision() == doctest::Approx(0.25));
  CHECK(cm.macro_recall() == doctest::Approx(0.5));       // (1 + 0) / 2
  CHECK(cm.macro_f1() == doctest::Approx(1.0 / 3.0));     // (2/3 + 0) / 2

  const ConfusionMatrix empty(4);
  CHECK(empty.accuracy() == 0.0);
  CHECK(empty.macro_f1() == 0.0);
}

TEST_CASE("metrics.out_of_range") {
  ConfusionMatrix cm(3);
  CHECK_THROWS_WITH_AS(cm.add(3, 0), "ConfusionMatrix: true class 3 is out of range for 3 classes", std::out_of_range);
  CHECK_THROWS_WITH_AS(cm.add(0, 7), "ConfusionMatrix: predicted class 7 is out of range for 3 classes",
                       std::out_of_range);
  // a bad pair anywhere leaves the counts as they were
  CHECK_THROWS_AS(cm.add(Classes{0, 1, 2}, Classes{0, 1, 5}), std::out_of_range);
  CHECK(cm.total() == 0);
  CHECK(cm.count(0, 0) == 0);
  CHECK_THROWS_WITH_AS(cm.add(Classes{0, 1}, Classes{0}), doctest::Contains("2 true classes but 1 predicted"),
                       std::invalid_argument);
  CHECK_THROWS_AS(cm.precision(3), std::out_of_range);
  CHECK_THROWS_AS(ConfusionMatrix(0), std::invalid_argument);
}

TEST_CASE("metrics.reset") {
  ConfusionMatrix cm = three_class_example();
  cm.reset();
  CHECK(cm.total() == 0);
  CHECK(cm.count(0, 0) == 0);
  cm.add(1, 1);
  CHECK(cm.accuracy() == 1.0);
}

TEST_CASE("metrics.to_string") {
  ConfusionMatrix cm = three_class_example();
  for (int i = 0; i < 10; ++i) cm.add(1, 1);  // a two-digit count widens every column
  const std::string expected =
      "true\\pred   0   1   2\n"
      "        0   2   1   1\n"
      "        1   1  12   0\n"
      "        2   0   1   2\n";
  CHECK(cm.to_string() == expected);

  ConfusionMatrix named(2);
  named.add(0, 1);
  CHECK(named.to_string({"cat", "dog"}) ==
        "true\\pred  cat  dog\n"
        "      cat    0    1\n"
        "      dog    0    0\n");
  CHECK_THROWS_AS(named.to_string({"cat"}), std::invalid_argument);
}
