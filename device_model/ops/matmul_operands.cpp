#include "device_model/ops/matmul_operands.h"

namespace npusim::device {

MatmulOperands matmul_operands(const OpCall& call, int weight_n_dim) {
  return {call.input("x"), call.input("weight"), call.output("y"), weight_n_dim};
}

MatmulOperands add_matmul_facts(Facts& f, const OpCall& call, int weight_n_dim) {
  MatmulOperands o;
  o.x = add_slot_facts(f, call, "x");
  o.weight = add_slot_facts(f, call, "weight");
  o.y = add_output_facts(f, call, "y");
  o.weight_n_dim = weight_n_dim;
  set_if(f, "x_k", dim(o.x, -1));
  set_if(f, "x_rows", rows(o.x));
  set_if(f, "weight_k", dim(o.weight, -1));
  set_if(f, "weight_n", dim(o.weight, weight_n_dim));
  set_if(f, "y_n", dim(o.y, -1));
  set_if(f, "y_rows", rows(o.y));
  return o;
}

CubeProblem matmul_problem(const MatmulOperands& o) {
  CubeProblem p;
  p.m = rows(o.x).value_or(0);
  p.k = dim(o.x, -1).value_or(0);
  p.n = dim(o.weight, o.weight_n_dim).value_or(0);
  p.dtype = o.x ? o.x->dtype : DType::bf16;
  p.out_bytes_per_element = o.y ? dtype_size_bytes(o.y->dtype) : 2;
  return p;
}

double slot_bytes(const TensorRef* tensor) { return tensor ? static_cast<double>(tensor->bytes()) : 0; }

}  // namespace npusim::device
