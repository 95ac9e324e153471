/*
 * What Mesos does with the ZooKeeper C client (libzookeeper_mt) to elect a master and find it:
 * masters log in with a digest, make the group node with Mesos's ACL (anyone may read, the
 * authenticated creator may do all), and join as ephemeral sequential "json.info_" members; a
 * detector without credentials lists the group with a child watch and takes the lowest member
 * as leader. When the leading master's session ends, the watch fires and the next one leads.
 * Everything is printed from the main thread in a fixed order, so two servers can be compared
 * line for line. Usage: mesos_group HOST:PORT
 */
/* The synchronous API exists in the multi-threaded library only. */
#define THREADED
#include <zookeeper/zookeeper.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SESSION_TIMEOUT_MS 10000
#define WAIT_SECONDS_MAX 20
#define PATH_BYTES_MAX 256
#define DATA_BYTES_MAX 1024
#define GROUP "/mesos"
#define LABEL GROUP "/json.info_"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int connected_sessions;
static int child_events;
static int auth_done;
static int auth_rc;

/* Session and watch events arrive on the library's completion thread: count them for main. */
static void watcher(zhandle_t *zh, int type, int state, const char *path, void *context) {
    pthread_mutex_lock(&lock);
    if (type == ZOO_SESSION_EVENT && state == ZOO_CONNECTED_STATE) {
        connected_sessions++;
    } else if (type == ZOO_CHILD_EVENT) {
        child_events++;
    }
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static void auth_completion(int rc, const void *data) {
    pthread_mutex_lock(&lock);
    auth_rc = rc;
    auth_done = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

/* Waits until *counter reaches at least target; exits the program after WAIT_SECONDS_MAX. */
static void await_count(int *counter, int target, const char *what) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_SECONDS_MAX;
    pthread_mutex_lock(&lock);
    while (*counter < target) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) != 0) {
            pthread_mutex_unlock(&lock);
            printf("timed out waiting for %s\n", what);
            exit(2);
        }
    }
    pthread_mutex_unlock(&lock);
}

static zhandle_t *connect_session(const char *hosts, const char *credentials) {
    int before;
    pthread_mutex_lock(&lock);
    before = connected_sessions;
    pthread_mutex_unlock(&lock);
    zhandle_t *zh = zookeeper_init(hosts, watcher, SESSION_TIMEOUT_MS, 0, NULL, 0);
    if (zh == NULL) {
        printf("zookeeper_init failed\n");
        exit(2);
    }
    await_count(&connected_sessions, before + 1, "a session");
    if (credentials != NULL) {
        pthread_mutex_lock(&lock);
        auth_done = 0;
        pthread_mutex_unlock(&lock);
        int rc = zoo_add_auth(zh, "digest", credentials, (int) strlen(credentials), auth_completion, NULL);
        await_count(&auth_done, 1, "the digest login");
        printf("add_auth digest: %d, completion %d\n", rc, auth_rc);
    }
    return zh;
}

/* Mesos's EVERYONE_READ_CREATOR_ALL. */
static struct ACL_vector group_acl(void) {
    static struct ACL entries[2];
    entries[0].perms = ZOO_PERM_READ;
    entries[0].id = ZOO_ANYONE_ID_UNSAFE;
    entries[1].perms = ZOO_PERM_ALL;
    entries[1].id = ZOO_AUTH_IDS;
    struct ACL_vector acl = {2, entries};
    return acl;
}

static void join(zhandle_t *zh, const char *info, char *member) {
    struct ACL_vector acl = group_acl();
    int rc = zoo_create(zh, LABEL, info, (int) strlen(info), &acl, ZOO_EPHEMERAL | ZOO_SEQUENCE, member,
                        PATH_BYTES_MAX);
    printf("join %s: %d %s\n", info, rc, rc == ZOK ? member : "");
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The detector: members sorted, the lowest leads; a child watch is left on the group. */
static void detect(zhandle_t *zh) {
    struct String_vector children;
    int rc = zoo_wget_children(zh, GROUP, watcher, NULL, &children);
    if (rc != ZOK) {
        printf("get_children: %d\n", rc);
        return;
    }
    qsort(children.data, (size_t) children.count, sizeof(char *), by_name);
    printf("members:");
    for (int i = 0; i < children.count; i++) {
        printf(" %s", children.data[i]);
    }
    printf("\n");
    if (children.count > 0) {
        char path[PATH_BYTES_MAX];
        char data[DATA_BYTES_MAX];
        int length = sizeof(data) - 1;
        struct Stat stat;
        snprintf(path, sizeof(path), GROUP "/%s", children.data[0]);
        rc = zoo_get(zh, path, 0, data, &length, &stat);
        data[rc == ZOK && length >= 0 ? length : 0] = '\0';
        printf("leader: %s (%d), ephemeral owner set: %s\n", data, rc, stat.ephemeralOwner != 0 ? "yes" : "no");
    }
    deallocate_String_vector(&children);
}

static void print_acl(zhandle_t *zh, const char *path) {
    struct ACL_vector acl;
    struct Stat stat;
    int rc = zoo_get_acl(zh, path, &acl, &stat);
    printf("acl %s: %d", path, rc);
    for (int i = 0; rc == ZOK && i < acl.count; i++) {
        printf(" [%s:%s %d]", acl.data[i].id.scheme, acl.data[i].id.id, acl.data[i].perms);
    }
    printf(" aversion %d\n", rc == ZOK ? stat.aversion : -1);
    if (rc == ZOK) {
        deallocate_ACL_vector(&acl);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
        return 2;
    }
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    const char *hosts = argv[1];

    zhandle_t *master1 = connect_session(hosts, "mesos:secret");
    struct ACL_vector acl = group_acl();
    printf("create group: %d\n", zoo_create(master1, GROUP, "", 0, &acl, 0, NULL, 0));
    char member1[PATH_BYTES_MAX];
    join(master1, "master-1", member1);

    zhandle_t *master2 = connect_session(hosts, "mesos:secret");
    printf("create group again: %d\n", zoo_create(master2, GROUP, "", 0, &acl, 0, NULL, 0));
    char member2[PATH_BYTES_MAX];
    join(master2, "master-2", member2);

    zhandle_t *detector = connect_session(hosts, NULL);
    detect(detector);
    print_acl(detector, GROUP);
    print_acl(detector, member1);
    /* Without the digest, the detector may read but not write. */
    printf("detector set: %d\n", zoo_set(detector, member1, "x", 1, -1));
    printf("detector join: %d\n", zoo_create(detector, LABEL, "x", 1, &ZOO_OPEN_ACL_UNSAFE,
                                             ZOO_EPHEMERAL | ZOO_SEQUENCE, NULL, 0));
    /* Another login with a wrong password is another identity: no rights either. */
    zhandle_t *intruder = connect_session(hosts, "mesos:wrong");
    printf("intruder delete: %d\n", zoo_delete(intruder, member2, -1));
    zookeeper_close(intruder);

    /* The leading master goes away; its member node goes with its session and the watch fires. */
    printf("master-1 closes: %d\n", zookeeper_close(master1));
    await_count(&child_events, 1, "the group's child watch");
    printf("child watch fired\n");
    detect(detector);

    printf("master-2 leaves: %d\n", zoo_delete(master2, member2, -1));
    await_count(&child_events, 2, "the second child watch");
    detect(detector);
    zookeeper_close(master2);
    zookeeper_close(detector);
    printf("done\n");
    return 0;
}
