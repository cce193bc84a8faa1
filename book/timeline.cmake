# Draws one chapter section's timeline for the book: runs it on the virtual
# clock with --trace, writing BASE.svg (the chart the page shows) and BASE.json
# (the trace it links to, for Perfetto). The section's own output is not wanted
# here, so it stays out of the build log; its errors are shown if it fails.
#
#   cmake -DPROGRAM=... -DSECTION=... -DBASE=... -P timeline.cmake
execute_process(
  COMMAND ${PROGRAM} --virtual-time --section ${SECTION} --trace ${BASE}.svg --trace ${BASE}.json
  OUTPUT_QUIET
  ERROR_VARIABLE errors
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} --section ${SECTION} failed (${status}):\n${errors}")
endif()
