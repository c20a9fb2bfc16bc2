# ctest install.find_package: installs the build into a prefix under the
# build folder, configures and builds tests/install against it with
# find_package(riskcast) and runs the example on the reference model.
# -D BINARY_DIR=… SOURCE_DIR=… CXX=… VERSION=…
set(work ${BINARY_DIR}/install-test)
file(REMOVE_RECURSE ${work})
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()
step(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${work}/prefix)
if(EXISTS ${work}/prefix/include/riskcast/random.hpp OR NOT EXISTS ${work}/prefix/include/riskcast/riskcast.hpp)
  message(FATAL_ERROR "the installed headers are not the public API's")
endif()
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install -B ${work}/build -DCMAKE_PREFIX_PATH=${work}/prefix
     -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
step(${CMAKE_COMMAND} --build ${work}/build)
step(${work}/build/example ${SOURCE_DIR}/bench/models/reference.yaml)
set(example_output "${output}")
message("${output}")
if(NOT output MATCHES "base nvidia_share_value mean 0\\.[0-9]+")
  message(FATAL_ERROR "unexpected output from the example:\n${output}")
endif()
# The version the installed headers state, as the consumer compiled them.
if(NOT output MATCHES "engine ${VERSION}, numerics [0-9]+, headers ${VERSION}")
  message(FATAL_ERROR "unexpected output from the example:\n${output}")
endif()
# The same numbers as the installed command's for the same model, seed and
# samples (both printed with 17 significant digits).
step(${work}/prefix/bin/riskcast run ${SOURCE_DIR}/bench/models/reference.yaml --samples 10000 --seed 1 --format json)
string(JSON mean GET "${output}" scenarios 0 outputs nvidia_share_value mean)
string(JSON median GET "${output}" scenarios 0 outputs nvidia_share_value percentiles 4 value)
set(line "base nvidia_share_value mean ${mean} P50 ${median} ")
string(FIND "${example_output}" "${line}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the example's numbers differ from riskcast run's: expected\n${line}\nin\n${example_output}")
endif()
