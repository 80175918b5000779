// SPDX-License-Identifier: MIT
/*
 * Unit tests for container identification from cgroup paths (every runtime
 * layout, cgroup v1 and v2) and the runtime metadata parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "state/container.h"

#define ID "3f1b7c9e2a4d6f8b0c1e3a5d7f9b1d3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b"
#define SHORT "3f1b7c9e2a4d"
#define POD "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
#define POD_ "0a1b2c3d_4e5f_6789_abcd_ef0123456789"

/* Expect cgroup text to give runtime and id ("host" runtime: no container). */
static void expect(const char *cgroup, const char *runtime, const char *id)
{
	const char *rt = NULL;
	char *got = NULL;
	int r = container_id_from_cgroup(cgroup, &got, &rt);

	if (strcmp(runtime, "host") == 0) {
		if (r != 0)
			fail_msg("%s: expected host, got %s %s", cgroup, rt, got);
		assert_null(got);
		assert_string_equal(rt, "host");
		return;
	}
	if (r != 1)
		fail_msg("%s: expected %s, got host", cgroup, runtime);
	assert_string_equal(rt, runtime);
	assert_string_equal(got, id);
	free(got);
}

static void test_docker(void **state)
{
	(void)state;
	/* cgroup v1, cgroupfs driver */
	expect("/docker/" ID, "docker", ID);
	expect("12:pids:/docker/" ID "\n11:cpu,cpuacct:/docker/" ID "\n", "docker", ID);
	/* cgroup v2, systemd driver */
	expect("0::/system.slice/docker-" ID ".scope", "docker", ID);
	expect("/system.slice/docker-" ID ".scope/init.scope", "docker", ID);
	/* cgroup v1 with the systemd driver, named hierarchy first */
	expect("1:name=systemd:/system.slice/docker-" ID ".scope\n0::/\n", "docker", ID);
	/* Falco's "controller=path" form */
	expect("cpuset=/docker/" ID "\ncpu=/docker/" ID, "docker", ID);
	/* ECS and other cgroup parents keep a bare id */
	expect("/ecs/4a2f9a1b/" ID, "docker", ID);
	/* not an id: wrong length, upper case */
	expect("/docker/" SHORT, "host", NULL);
	expect("/docker/3F1B7C9E2A4D6F8B0C1E3A5D7F9B1D3E5A7C9E1B3D5F7A9C1E3B5D7F9A1C3E5B", "host",
	       NULL);
	expect("/system.slice/docker.service", "host", NULL);
}

static void test_containerd_cri(void **state)
{
	(void)state;
	/* v1, cgroupfs driver */
	expect("/kubepods/besteffort/pod" POD "/" ID, "containerd", ID);
	expect("11:memory:/kubepods/burstable/pod" POD "/" ID, "containerd", ID);
	expect("/kubepods/pod" POD "/" ID, "containerd", ID); /* guaranteed QoS */
	/* v2, systemd driver */
	expect("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_
	       ".slice/cri-containerd-" ID ".scope",
	       "containerd", ID);
	expect("/kubepods.slice/kubepods-pod" POD_ ".slice/cri-containerd-" ID ".scope",
	       "containerd", ID);
	expect("/system.slice/containerd.service/kubepods-burstable-pod" POD_
	       ".slice:cri-containerd:" ID,
	       "containerd", ID);
	/* nerdctl */
	expect("0::/system.slice/nerdctl-" ID ".scope", "containerd", ID);
}

static void test_crio(void **state)
{
	(void)state;
	expect("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
	       ".slice/crio-" ID ".scope",
	       "cri-o", ID);
	expect("/kubepods/burstable/pod" POD "/crio-" ID, "cri-o", ID);
	expect("/machine.slice/crio-" ID ".scope", "cri-o", ID);
	/* the container monitor runs on the host */
	expect("/kubepods.slice/kubepods-burstable.slice/crio-conmon-" ID ".scope", "host", NULL);
}

static void test_podman(void **state)
{
	(void)state;
	expect("0::/machine.slice/libpod-" ID ".scope", "podman", ID);
	expect("0::/machine.slice/libpod-" ID ".scope/container", "podman", ID);
	expect("/libpod_parent/libpod-" ID, "podman", ID);
	expect("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope",
	       "podman", ID);
	expect("0::/machine.slice/libpod-conmon-" ID ".scope", "host", NULL);
}

static void test_nspawn_lxc(void **state)
{
	(void)state;
	expect("0::/machine.slice/machine-debian12.scope/payload", "systemd-nspawn", "debian12");
	expect("0::/machine.slice/machine-my\\x2dbox.scope", "systemd-nspawn", "my-box");
	expect("0::/machine.slice/systemd-nspawn@web.service/payload/system.slice", "systemd-nspawn",
	       "web");
	expect("0::/machine.slice/machine-lxc\\x2d1234\\x2dweb.scope", "libvirt-lxc", "1234-web");
	/* a VM's qemu process is a host process */
	expect("0::/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt/emulator", "host", NULL);
	expect("/lxc/web01", "lxc", "web01");
	expect("0::/lxc.payload.web01/system.slice", "lxc", "web01");
	expect("/lxc.monitor.web01", "host", NULL);
}

static void test_host(void **state)
{
	const char *rt;
	char *id = (char *)1;

	(void)state;
	expect("0::/init.scope", "host", NULL);
	expect("0::/user.slice/user-1000.slice/session-3.scope", "host", NULL);
	expect("12:pids:/user.slice\n1:name=systemd:/user.slice/user-0.slice/session-1.scope\n",
	       "host", NULL);
	expect("/", "host", NULL);
	expect("", "host", NULL);
	expect("0::/system.slice/machine-x.scope", "host", NULL); /* not under machine.slice */
	assert_int_equal(container_id_from_cgroup(NULL, &id, &rt), 0);
	assert_null(id);
}

static void test_pod_uid_short_id(void **state)
{
	char *s;

	(void)state;
	s = container_pod_uid_from_cgroup("/kubepods/burstable/pod" POD "/" ID);
	assert_string_equal(s, POD);
	free(s);
	s = container_pod_uid_from_cgroup("/kubepods.slice/kubepods-burstable.slice/"
					  "kubepods-burstable-pod" POD_ ".slice/crio-" ID ".scope");
	assert_string_equal(s, POD);
	free(s);
	assert_null(container_pod_uid_from_cgroup("/docker/" ID));
	assert_null(container_pod_uid_from_cgroup(NULL));
	s = container_short_id(ID);
	assert_string_equal(s, SHORT);
	free(s);
	s = container_short_id("debian12");
	assert_string_equal(s, "debian12");
	free(s);
	assert_true(container_is_hex_id(ID, 64));
	assert_false(container_is_hex_id(ID, 63));
}

static Container *container(void)
{
	Container *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->full_id = strdup(ID);
	return c;
}

static void container_done(Container *c)
{
	size_t i;

	free(c->id);
	free(c->full_id);
	free(c->runtime);
	free(c->name);
	free(c->image);
	free(c->image_repository);
	free(c->image_tag);
	free(c->image_digest);
	for (i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->k8s_pod_name);
	free(c->k8s_ns_name);
	free(c->k8s_pod_uid);
	free(c);
}

static void test_oci_containerd(void **state)
{
	static const char json[] =
		"{\"ociVersion\":\"1.1.0\",\"process\":{\"args\":[\"nginx\"],"
		"\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_NET_BIND_SERVICE\"]}},"
		"\"linux\":{\"maskedPaths\":[\"/proc/kcore\"]},"
		"\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
		"\"io.kubernetes.cri.container-name\":\"web\","
		"\"io.kubernetes.cri.image-name\":\"docker.io/library/nginx:1.25\","
		"\"io.kubernetes.cri.sandbox-name\":\"web-7d4b9c-xk2p\","
		"\"io.kubernetes.cri.sandbox-namespace\":\"prod\","
		"\"io.kubernetes.cri.sandbox-uid\":\"" POD "\"}}\n";
	Container *c = container();

	(void)state;
	assert_int_equal(container_parse_oci_config(c, json, strlen(json)), 0);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image, "docker.io/library/nginx:1.25");
	assert_string_equal(c->image_repository, "docker.io/library/nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_string_equal(c->k8s_pod_name, "web-7d4b9c-xk2p");
	assert_string_equal(c->k8s_ns_name, "prod");
	assert_string_equal(c->k8s_pod_uid, POD);
	assert_string_equal(container_label(c, "io.kubernetes.pod.namespace"), "prod");
	assert_string_equal(container_label(c, "io.kubernetes.container.name"), "web");
	assert_false(c->privileged);
	container_done(c);
}

static void test_oci_crio_privileged(void **state)
{
	static const char json[] =
		"{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\"]}},"
		"\"linux\":{\"maskedPaths\":[]},"
		"\"annotations\":{\"io.kubernetes.container.name\":\"monitor\","
		"\"io.kubernetes.pod.name\":\"monitor-x\",\"io.kubernetes.pod.namespace\":\"kube-system\","
		"\"io.kubernetes.pod.uid\":\"" POD "\","
		"\"io.kubernetes.cri-o.ImageName\":\"quay.io/org/monitor@sha256:abcd\","
		"\"io.kubernetes.cri-o.Created\":\"2026-11-30T08:00:00.5Z\","
		"\"io.kubernetes.cri-o.Labels\":\"{\\\"app\\\":\\\"monitor\\\","
		"\\\"io.kubernetes.pod.name\\\":\\\"monitor-x\\\"}\"}}";
	Container *c = container();

	(void)state;
	assert_int_equal(container_parse_oci_config(c, json, strlen(json)), 0);
	assert_string_equal(c->name, "monitor");
	assert_string_equal(c->image_repository, "quay.io/org/monitor");
	assert_null(c->image_tag);
	assert_string_equal(c->image_digest, "sha256:abcd");
	assert_string_equal(c->k8s_ns_name, "kube-system");
	assert_string_equal(container_label(c, "app"), "monitor");
	assert_true(c->privileged);
	assert_int_equal(c->created_ns, 1796025600ull * 1000000000ull + 500000000ull);
	container_done(c);
}

static void test_docker_config(void **state)
{
	static const char cfg[] =
		"{\"ID\":\"" ID "\",\"Created\":\"2026-01-02T03:04:05.123456789+01:00\","
		"\"Name\":\"/nginx\",\"Image\":\"sha256:1234\","
		"\"Config\":{\"Image\":\"nginx:latest\",\"Labels\":{\"maintainer\":\"x\","
		"\"io.kubernetes.pod.name\":\"p\",\"io.kubernetes.pod.namespace\":\"n\"}}}";
	static const char host[] = "{\"Privileged\":true,\"NetworkMode\":\"host\"}";
	Container *c = container();

	(void)state;
	assert_int_equal(container_parse_docker_config(c, cfg, strlen(cfg)), 0);
	assert_string_equal(c->name, "nginx");
	assert_string_equal(c->image, "nginx:latest");
	assert_string_equal(c->image_tag, "latest");
	assert_string_equal(container_label(c, "maintainer"), "x");
	assert_string_equal(c->k8s_pod_name, "p");
	assert_string_equal(c->k8s_ns_name, "n");
	assert_false(c->privileged);
	assert_int_equal(c->created_ns, 1767319445ull * 1000000000ull + 123456789ull);
	assert_int_equal(container_parse_docker_config(c, host, strlen(host)), 0);
	assert_true(c->privileged);
	assert_string_equal(c->name, "nginx");
	container_done(c);
}

static void test_podman_containers(void **state)
{
	static const char json[] =
		"[{\"id\":\"" SHORT "\",\"names\":[\"other\"]},"
		"{\"id\":\"" ID "\",\"names\":[\"db\"],\"image\":\"e0f1\","
		"\"metadata\":\"{\\\"image-name\\\":\\\"docker.io/library/postgres:16\\\","
		"\\\"name\\\":\\\"db\\\"}\",\"created\":\"2026-11-30T08:00:00Z\"}]";
	Container *c = container();

	(void)state;
	assert_int_equal(container_parse_podman_containers(c, json, strlen(json)), 0);
	assert_string_equal(c->name, "db");
	assert_string_equal(c->image, "docker.io/library/postgres:16");
	assert_string_equal(c->image_tag, "16");
	free(c->full_id);
	c->full_id = strdup("nope");
	assert_int_equal(container_parse_podman_containers(c, json, strlen(json)), -ENOENT);
	container_done(c);
}

static void test_config_errors(void **state)
{
	Container *c = container();
	char *big;

	(void)state;
	assert_int_equal(container_parse_oci_config(c, "{", 1), -EBADMSG);
	assert_int_equal(container_parse_oci_config(c, "[]", 2), -EBADMSG);
	assert_int_equal(container_parse_docker_config(c, "{} x", 4), -EBADMSG);
	assert_int_equal(container_parse_podman_containers(c, "{}", 2), -EBADMSG);
	/* nesting is bounded */
	big = malloc(CONTAINER_JSON_MAX_DEPTH * 2 + 4);
	memset(big, '[', CONTAINER_JSON_MAX_DEPTH + 1);
	memset(big + CONTAINER_JSON_MAX_DEPTH + 1, ']', CONTAINER_JSON_MAX_DEPTH + 1);
	assert_int_equal(container_parse_podman_containers(c, big, CONTAINER_JSON_MAX_DEPTH * 2 + 2),
			 -EBADMSG);
	free(big);
	assert_int_equal(container_parse_oci_config(c, "{}", CONTAINER_MAX_CONFIG + 1), -E2BIG);
	/* wrong types are ignored, not trusted */
	{
		static const char odd[] = "{\"Name\":5,\"Config\":[]}";

		assert_int_equal(container_parse_docker_config(c, odd, strlen(odd)), 0);
	}
	assert_null(c->name);
	container_done(c);
}

static void test_labels_limits(void **state)
{
	Container *c = container();
	char key[32], *huge;
	size_t i;

	(void)state;
	for (i = 0; i < STATE_MAX_LABELS + 10; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		assert_int_equal(container_add_label(c, key, "v"), 0);
	}
	assert_int_equal(c->nlabels, STATE_MAX_LABELS);
	/* replacing an existing key still works when full */
	assert_int_equal(container_add_label(c, "k1", "w"), 0);
	assert_string_equal(container_label(c, "k1"), "w");
	huge = malloc(STATE_MAX_LABEL_BYTES + 1);
	memset(huge, 'x', STATE_MAX_LABEL_BYTES);
	huge[STATE_MAX_LABEL_BYTES] = 0;
	assert_int_equal(container_add_label(c, "k2", huge), 0); /* skipped */
	assert_string_equal(container_label(c, "k2"), "v");
	free(huge);
	assert_int_equal(container_set_labels(c, (const char *const[]){ "a=1", "b", "c=x=y" }, 3),
			 0);
	assert_int_equal(c->nlabels, 2);
	assert_string_equal(container_label(c, "c"), "x=y");
	container_done(c);
}

static void test_rfc3339(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(time_parse_rfc3339("1970-01-01T00:00:00Z", &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(time_parse_rfc3339("2026-11-30T08:00:00.000000001Z", &ns), 0);
	assert_int_equal(ns, 1796025600000000001ull);
	assert_int_equal(time_parse_rfc3339("2000-02-29T12:00:00-02:30", &ns), 0);
	assert_int_equal(ns, 951834600ull * 1000000000ull);
	/* more than ns precision is cut */
	assert_int_equal(time_parse_rfc3339("2026-11-30T08:00:00.1234567891Z", &ns), 0);
	assert_int_equal(ns % 1000000000ull, 123456789);
	assert_int_equal(time_parse_rfc3339("2026-11-30", &ns), -EINVAL);
	assert_int_equal(time_parse_rfc3339("2026-13-30T08:00:00Z", &ns), -EINVAL);
	assert_int_equal(time_parse_rfc3339("2026-11-30T08:00:00", &ns), -EINVAL);
	assert_int_equal(time_parse_rfc3339("2026-11-30T08:00:00Zjunk", &ns), -EINVAL);
	assert_int_equal(time_parse_rfc3339("1960-01-01T00:00:00Z", &ns), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_containerd_cri),
		cmocka_unit_test(test_crio),
		cmocka_unit_test(test_podman),
		cmocka_unit_test(test_nspawn_lxc),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_pod_uid_short_id),
		cmocka_unit_test(test_oci_containerd),
		cmocka_unit_test(test_oci_crio_privileged),
		cmocka_unit_test(test_docker_config),
		cmocka_unit_test(test_podman_containers),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_labels_limits),
		cmocka_unit_test(test_rfc3339),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
