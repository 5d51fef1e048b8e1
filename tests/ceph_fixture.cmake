# The ctest fixture "ceph": a throw-away local Ceph cluster (scripts/ceph-dev.sh) started
# before the tests that require it and stopped after them. Its monitor listens on
# QUANTA_TEST_CEPH_MON_PORT (24310 unless set, apart from a cluster started by hand on the
# script's default port). Included by every directory with such tests; defines them once.
set(QUANTA_TEST_CEPH_DIR ${CMAKE_BINARY_DIR}/ceph-test)
if(NOT DEFINED QUANTA_TEST_CEPH_MON_PORT)
  set(QUANTA_TEST_CEPH_MON_PORT 24310)
endif()
get_property(_quanta_ceph_fixture GLOBAL PROPERTY QUANTA_CEPH_FIXTURE)
if(NOT _quanta_ceph_fixture)
  set_property(GLOBAL PROPERTY QUANTA_CEPH_FIXTURE ON)
  add_test(NAME ceph/start
           COMMAND ${CMAKE_COMMAND} -E env CEPH_DEV_MON_PORT=${QUANTA_TEST_CEPH_MON_PORT}
                   bash ${PROJECT_SOURCE_DIR}/scripts/ceph-dev.sh start ${QUANTA_TEST_CEPH_DIR})
  # The cluster is kept between runs (a restart takes seconds, a new one about 30 s); what the
  # tests wrote is purged first, so that runs do not fill its small OSDs.
  add_test(NAME ceph/stop
           COMMAND sh -c "bash '${PROJECT_SOURCE_DIR}/scripts/ceph-dev.sh' purge '${QUANTA_TEST_CEPH_DIR}'; bash '${PROJECT_SOURCE_DIR}/scripts/ceph-dev.sh' stop '${QUANTA_TEST_CEPH_DIR}'")
  set_tests_properties(ceph/start PROPERTIES FIXTURES_SETUP ceph LABELS slow TIMEOUT 240)
  set_tests_properties(ceph/stop PROPERTIES FIXTURES_CLEANUP ceph LABELS slow TIMEOUT 60)

  # Marks `test` as needing the cluster (label slow, its ceph.conf and pool in the environment).
  function(quanta_requires_ceph test)
    set_tests_properties(${test} PROPERTIES
      FIXTURES_REQUIRED ceph
      LABELS slow
      ENVIRONMENT "QUANTA_TEST_RADOS_CONF=${QUANTA_TEST_CEPH_DIR}/ceph.conf;QUANTA_TEST_RADOS_POOL=quanta")
  endfunction()
endif()
