// Sequential::fit: a training session run to its end.
#include <limits>

#include "model/sequential.hpp"
#include "model/training_session.hpp"

namespace neurite {

History Sequential::fit(const Samples& x, const Samples& y, const FitOptions& options) {
  TrainingSession session(*this, x, y, options);
  while (!session.finished()) session.run(std::numeric_limits<std::size_t>::max());
  return session.history();
}

}  // namespace neurite
